"""Ingestion: files -> Document -> Chunk -> index. The only writer of the index."""
