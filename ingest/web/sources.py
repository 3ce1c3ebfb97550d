"""The sources file (``sources.yaml``): which URLs to index and how to crawl them.

```yaml
missing_after: 3          # remove a page after this many syncs in a row answer 404/410
delay: 1.0                # seconds between requests to one host (robots.txt may ask for more)
sources:
  - url: https://www.ljungby.se/kommun-och-politik/styrdokument/
    crawl: true
    max_pages: 200
    max_depth: 3
    include: ["*/styrdokument/*"]
    exclude: ["*/nyheter/*"]
  - url: https://www.ljungby.se/download/18.1234/vision.pdf
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import StyrdokError
from ingest.web.crawl import CrawlOptions

SOURCE_KEYS = {"url", "crawl", "max_pages", "max_depth", "include", "exclude", "max_per_pattern"}
TOP_KEYS = {"sources", "missing_after", "delay"}


class SourcesError(StyrdokError):
    """The sources file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Source:
    url: str
    options: CrawlOptions = field(default_factory=CrawlOptions)


@dataclass(frozen=True)
class SourcesFile:
    sources: tuple[Source, ...]
    missing_after: int = 3
    delay: float | None = None  # None: the web_delay setting


def load_sources(path: Path) -> SourcesFile:
    """Read and check a sources file; `SourcesError` names the first problem."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError(f"{path}: filen kunde inte läsas ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: trasig YAML ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        raise SourcesError(f"{path}: filen ska ha en lista 'sources:' med minst en url")
    unknown = sorted(set(raw) - TOP_KEYS)
    if unknown:
        raise SourcesError(f"{path}: okänd nyckel {', '.join(unknown)} (tillåtna: "
                           f"{', '.join(sorted(TOP_KEYS))})")
    sources = tuple(_source(entry, n, path) for n, entry in enumerate(raw["sources"], start=1))
    if not sources:
        raise SourcesError(f"{path}: listan 'sources:' är tom")
    return SourcesFile(
        sources,
        missing_after=_number(raw.get("missing_after", 3), "missing_after", path, minimum=1),
        delay=(
            None
            if raw.get("delay") is None
            else float(_number(raw["delay"], "delay", path, minimum=0, real=True))
        ),
    )


def _source(entry: object, n: int, path: Path) -> Source:
    where = f"{path}: källa {n}"
    if isinstance(entry, str):
        entry = {"url": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        raise SourcesError(f"{where}: ange en url (url: https://...)")
    unknown = sorted(set(entry) - SOURCE_KEYS)
    if unknown:
        allowed = ", ".join(sorted(SOURCE_KEYS))
        raise SourcesError(f"{where}: okänd nyckel {', '.join(unknown)} (tillåtna: {allowed})")
    defaults = CrawlOptions()
    return Source(
        url=entry["url"].strip(),
        options=CrawlOptions(
            crawl=bool(entry.get("crawl", False)),
            max_pages=int(_number(entry.get("max_pages", defaults.max_pages), "max_pages", where)),
            max_depth=int(_number(entry.get("max_depth", defaults.max_depth), "max_depth", where,
                                  minimum=0)),
            include=_patterns(entry.get("include"), "include", where),
            exclude=_patterns(entry.get("exclude"), "exclude", where),
            max_per_pattern=int(_number(entry.get("max_per_pattern", defaults.max_per_pattern),
                                        "max_per_pattern", where)),
        ),
    )


def _number(
    value: object, key: str, where: Path | str, *, minimum: float = 1, real: bool = False
) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or (not real and not isinstance(value, int)) or value < minimum:  # type: ignore[operator]
        kind = "ett tal" if real else "ett heltal"
        raise SourcesError(f"{where}: {key} ska vara {kind} som är minst {minimum:g}")
    return float(value)  # type: ignore[arg-type]


def _patterns(value: object, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SourcesError(f"{where}: {key} ska vara en lista med mönster som \"*/nyheter/*\"")
    return tuple(value)
