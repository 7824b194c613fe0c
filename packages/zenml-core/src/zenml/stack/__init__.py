"""Stacks: the artifact store, metadata store and orchestrator a pipeline runs on."""
