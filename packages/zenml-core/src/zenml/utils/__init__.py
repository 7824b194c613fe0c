"""Small helpers shared across zenml."""
