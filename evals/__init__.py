"""Evaluation: test cases + pure scorers -> results, summary and report; plus a benchmark.

Calls only the assistant's public API (``Assistant``, ``Retriever``, and ``make_citation`` for
the plain-RAG baseline's citation) and ``ingest_paths``.
"""
