"""A development collection: a folder of case files plus a manifest naming the corpus folders.

Layout::

    evals/data/
        collection.yaml     root (the repository root, relative to this file) and corpus
        cases/*.jsonl       the cases; every file is part of one collection
        split.json          the tune/test split (evals/split.py)

``collection.yaml``::

    root: ../..
    corpus:
      - tests/fixtures/corpus
      - corpus
      - evals/data/corpus

Corpus paths are relative to ``root`` and may not leave it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from assistant.errors import StyrdokError
from evals.testset import Case, TestsetError, load_testset

MANIFEST = "collection.yaml"
CASES_DIR = "cases"
MAX_MANIFEST_BYTES = 64_000


class CollectionError(StyrdokError):
    """The collection folder, its manifest or its case files cannot be used."""


@dataclass(frozen=True)
class Collection:
    """A loaded collection: where it is, the corpus folders it needs and all its cases."""

    folder: Path
    corpus_dirs: tuple[Path, ...]
    cases: tuple[Case, ...]
    case_files: tuple[Path, ...]


def _relative_path(value: Any, what: str, manifest: Path) -> PurePosixPath:
    if not isinstance(value, str) or not value.strip():
        raise CollectionError(f"{manifest}: {what} måste vara en icke-tom sökväg (text)")
    path = PurePosixPath(value.strip())
    if path.is_absolute():
        raise CollectionError(f"{manifest}: {what} {value!r} måste vara relativ, inte absolut")
    return path


def read_manifest(folder: Path) -> tuple[Path, ...]:
    """The corpus folders named by ``folder/collection.yaml``, resolved and checked to exist."""
    manifest = Path(folder) / MANIFEST
    try:
        raw = manifest.read_bytes()
    except FileNotFoundError as exc:
        raise CollectionError(
            f"samlingen {folder} saknar {MANIFEST} (den anger korpusmapparna, se docs/evals.md)"
        ) from exc
    if len(raw) > MAX_MANIFEST_BYTES:
        raise CollectionError(f"{manifest} är för stor ({len(raw)} byte)")
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CollectionError(f"{manifest} är inte giltig YAML i UTF-8: {exc}") from exc
    if not isinstance(data, dict):
        raise CollectionError(f"{manifest} måste innehålla nycklarna 'root' och 'corpus'")
    unknown = sorted(set(data) - {"root", "corpus"})
    if unknown:
        raise CollectionError(f"{manifest}: okänd nyckel {', '.join(map(str, unknown))} "
                              "(tillåtna: root, corpus)")
    root = (manifest.parent / _relative_path(data.get("root", "."), "'root'", manifest)).resolve()
    corpus = data.get("corpus")
    if not isinstance(corpus, list) or not corpus:
        raise CollectionError(f"{manifest}: 'corpus' måste vara en lista med minst en mapp")
    folders = []
    for entry in corpus:
        path = _relative_path(entry, "korpusmappen", manifest)
        if ".." in path.parts:
            raise CollectionError(f"{manifest}: korpusmappen {entry!r} får inte innehålla '..'")
        resolved = (root / path).resolve()
        if not resolved.is_relative_to(root):
            raise CollectionError(f"{manifest}: korpusmappen {entry!r} pekar ut ur {root}")
        if not resolved.is_dir():
            raise CollectionError(f"{manifest}: korpusmappen {resolved} finns inte")
        folders.append(resolved)
    return tuple(dict.fromkeys(folders))


def load_cases(folder: Path) -> tuple[tuple[Case, ...], tuple[Path, ...]]:
    """Every case of ``folder/cases/*.jsonl`` (files in name order); ids unique across files."""
    if not Path(folder).is_dir():
        raise CollectionError(f"samlingsmappen {folder} finns inte")
    cases_dir = Path(folder) / CASES_DIR
    files = tuple(sorted(p for p in cases_dir.glob("*.jsonl") if p.is_file()))
    if not files:
        raise CollectionError(f"samlingen {folder} har inga testfall ({cases_dir}/*.jsonl)")
    cases: list[Case] = []
    seen: dict[str, tuple[Path, int]] = {}
    for path in files:
        problems = []
        for case in load_testset(path):
            if case.id in seen:
                other, line = seen[case.id]
                problems.append(
                    (case.line, f"id {case.id!r} finns redan i {other.name} rad {line}")
                )
                continue
            seen[case.id] = (path, case.line)
            cases.append(case)
        if problems:
            raise TestsetError(path, problems)
    return tuple(cases), files


def load_collection(folder: Path) -> Collection:
    """The manifest's corpus folders and all cases; raises with a Swedish message when unusable."""
    folder = Path(folder)
    cases, files = load_cases(folder)
    corpus_dirs = read_manifest(folder)
    return Collection(folder=folder, corpus_dirs=corpus_dirs, cases=cases, case_files=files)
