"""The repository stands alone: tests and tools read their material from inside it.

CI runs with a copy of the old shared folder beside the clone, so a path reaching out of the
repository would pass there and fail for anyone who only cloned it; this test catches it.
"""

from __future__ import annotations

import re
from pathlib import Path

OUTSIDE = re.compile(r"\.\./shared|STYRDOK_SHARED_DIR|parents?\b[^\n]*/ *\"shared\"")


def test_no_file_reads_material_beside_the_repository(repo_dir: Path) -> None:
    packages = ("assistant", "ingest", "evals", "ui", "tests")
    files = [f for top in packages for f in (repo_dir / top).rglob("*.py")]
    files += [repo_dir / "Makefile", *(repo_dir / ".ci").iterdir()]
    offenders = [str(f.relative_to(repo_dir)) for f in files
                 if f != Path(__file__).resolve()
                 and OUTSIDE.search(f.read_text(encoding="utf-8", errors="replace"))]
    assert offenders == []


def test_fixtures_and_cases_are_inside_the_repository(
    repo_dir: Path, fixture_corpus: Path, testset_path: Path, vision_page: Path
) -> None:
    for path in (fixture_corpus, testset_path, vision_page):
        assert path.exists() and path.resolve().is_relative_to(repo_dir)
