"""Batch scoring: many case files, all cores, results streamed to a file or database."""
