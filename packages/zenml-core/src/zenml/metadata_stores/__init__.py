"""Metadata stores: the history of pipelines, runs, steps and artifacts."""
