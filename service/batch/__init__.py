"""Batch scoring: inputs of every shape, chunk scoring, the local and Dask engines, checkpointed output, the report."""
