"""The "Attacks" section of ``styrdok reliability``: issue 14's HTTP attacks against the full
app as a process, and the figures the report shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.reliability.attacks import (
    AttackResult,
    attack_section,
    replace_section,
    run_attacks,
)


@pytest.mark.slow
@pytest.mark.server
def test_the_attacks_are_stopped(tmp_path: Path, fixture_corpus: Path) -> None:
    result = run_attacks(tmp_path, [fixture_corpus / "sagobygden.md",
                                    fixture_corpus / "vision-2035.md"])
    assert result.body_status.startswith("HTTP/1.1 413") and result.body_s < 1.0
    assert result.body_chunked_status.startswith("HTTP/1.1 413") and result.body_chunked_s < 1.0
    assert result.health_max_s < 1.0  # the bound
    assert result.huge_history_status == 413
    assert 10 <= result.rate_ok_before_429 <= 12 and int(result.rate_retry_after) >= 1
    assert result.staff_removed and result.session_hash_refused
    assert result.wrong_logins == [303] * 10 + [429]
    assert int(result.locked_retry_after) > 60
    assert result.staff_login_status == 303
    assert result.missing_headers == []
    assert not result.evil_origin_echoed and result.allowed_origin_echoed
    section = attack_section(result)
    assert section[0] == "## Attacks (issue 14)"
    assert any("413" in line and "Large body" in line for line in section)


def test_the_attack_section_replaces_its_old_version_only() -> None:
    report = "# Reliability report\n\n## Load\n\nfigures\n\n## Attacks (issue 14)\n\nOLD FIGURES\n"
    section = attack_section(AttackResult(body_status="HTTP/1.1 413 Too Large"))
    updated = replace_section(report, section)
    assert "## Load\n\nfigures" in updated and "OLD FIGURES" not in updated
    assert updated.count("## Attacks (issue 14)") == 1
    appended = replace_section("# Reliability report\n\n## Load\n\nfigures\n", section)
    assert appended.index("## Load") < appended.index("## Attacks (issue 14)")
    assert replace_section(appended, section).count("## Attacks") == 1
