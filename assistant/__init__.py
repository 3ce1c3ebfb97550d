"""styrdok assistant: question -> retrieve -> generate -> Answer.

Owns the core types and reads the index. Never imports ``ingest``, ``ui`` or ``evals``.
"""
