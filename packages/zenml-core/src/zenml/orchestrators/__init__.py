"""Orchestrators: run a pipeline's steps in dependency order."""
