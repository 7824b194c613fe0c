"""Artifact stores: where step outputs are kept, behind one small filesystem interface."""
