"""Web sources: fetch pages and files, crawl a site section, keep them in sync.

``fetch`` (safe HTTP), ``crawl`` (scope, robots.txt, sitemaps, limits, traps), ``documents``
(response -> `Document` through the ordinary loaders), ``sources`` (sources.yaml), ``state``
(validators and 404 counts beside the index) and ``sync`` (`sync_web`, which hands pages to
`ingest.pipeline.ingest_inputs`).
"""
