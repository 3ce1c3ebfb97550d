"""Reliability tooling: start a multi-process deployment on 127.0.0.1 (``servers``), run the
load, fault and bad-input scenarios against it (``runs``) and write the figures as Markdown
(``report``, behind ``styrdok reliability``).

It measures the product from outside: the app is started as a process by command, never
imported, so this package depends only on ``ingest`` and ``assistant``.
"""
