"""Evaluation: test cases + pure scorers -> results, summary and report; plus a benchmark.

Calls only the assistant's public API (``Assistant``, ``Retriever``) and ``ingest_paths``.
"""
