"""Materializers: turn step outputs into files in an artifact store and back."""
