"""Evaluation: test cases + pure scorers -> results, summary and report; plus a benchmark, the
refusal calibration (``evals.calibrate``) and the reliability runs (``evals.reliability``).

Calls the assistant's public API (``Assistant``, ``Retriever``, ``Index``, and ``make_citation``
for the plain-RAG baseline's citation) and ``ingest_paths``; never ``ui`` (an app under test is
started as a process).
"""
