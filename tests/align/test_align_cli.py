"""``styrdok align`` on a file and on an indexed doc_id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import Settings
from ui.cli import main


@pytest.mark.slow
def test_align_cli_json(
    built_index: Settings, fixture_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = fixture_corpus / "namndplan-2026-barn-utbildning.docx"
    code = main(["align", str(plan), "--json", "--index", str(built_index.index_dir)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [a["key"] for a in data["activities"]] == [f"Mål {n}" for n in range(1, 8)]
    assert data["activities"][4]["declared"][1]["raw"] == "Näringsliv"
    assert data["activities"][0]["suggested"]["visionsmal"][0]["passage"]["doc_id"]
    assert len(data["heatmap"]["rows"]) == 7
    assert data["top1_visionsmal"]["total"] == 7


@pytest.mark.slow
def test_align_cli_doc_id_html_and_hidden(
    built_index: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    code = main(["align", "verksamhetsplan-2026-kultur-fritid", "--hide-declared", "--json",
                 "--out", str(out), "--index", str(built_index.index_dir)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["declared_hidden"] is True
    assert all("declared" not in a for a in data["activities"])
    assert "Värmekarta" in out.read_text(encoding="utf-8")


def test_align_cli_unknown_plan_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["align", "finns-inte", "--index", str(tmp_path / "idx"), "--embedder", "fake"])
    assert code == 1
    assert "varken en fil eller ett doc_id" in capsys.readouterr().err
