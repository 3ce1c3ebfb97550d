"""The pieces behind the HTTP protections, with a fake clock: rate limit, sessions, lockout,
history caps and the order of the question checks."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from assistant.ask import QuestionError, clean_question
from assistant.settings import Settings, SettingsError
from ui.api_models import InputError, check_question, history_pairs
from ui.feedback import FeedbackStore
from ui.security import RateLimiter, body_limit_for, recent_history
from ui.staff_auth import (
    BACKOFF_S,
    TOTAL_FAILURES_BEFORE_BACKOFF,
    LoginGuard,
    StaffSessions,
    private_export,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_allows_a_burst_then_the_rate_per_client() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=2, clock=clock)
    assert [limiter.wait_seconds("a") for _ in range(2)] == [0.0, 0.0]
    assert limiter.wait_seconds("a") == pytest.approx(10.0)
    assert limiter.wait_seconds("b") == 0.0  # another client has its own bucket
    clock.now += 10
    assert limiter.wait_seconds("a") == 0.0
    assert limiter.wait_seconds("a") > 0


def test_rate_limit_zero_is_off() -> None:
    limiter = RateLimiter(per_minute=0, burst=1)
    assert all(limiter.wait_seconds("a") == 0.0 for _ in range(100))


def test_sessions_end_when_idle_and_at_their_absolute_expiry() -> None:
    clock = Clock()
    sessions = StaffSessions(idle_s=60, max_age_s=150, clock=clock)
    first = sessions.open()
    assert sessions.check(first) and not sessions.check("gissat") and not sessions.check(None)
    for _ in range(2):  # used every 50 s: the idle timeout never strikes
        clock.now += 50
        assert sessions.check(first)
    clock.now += 50  # 150 s after login: over, however active
    assert not sessions.check(first)
    second = sessions.open()
    clock.now += 61
    assert not sessions.check(second)
    third = sessions.open()
    sessions.close(third)
    assert not sessions.check(third)


def test_session_ids_are_random_and_long() -> None:
    sessions = StaffSessions(60, 60)
    ids = {sessions.open() for _ in range(50)}
    assert len(ids) == 50 and all(len(i) >= 40 for i in ids)


def test_a_client_is_locked_out_after_max_failures_for_the_lockout() -> None:
    clock = Clock()
    guard = LoginGuard(max_failures=3, lockout_s=600, clock=clock)
    for _ in range(3):
        assert guard.wait_seconds("x") == 0.0
        guard.failed("x")
    assert guard.wait_seconds("x") == pytest.approx(600)
    assert guard.wait_seconds("y") == 0.0
    clock.now += 601
    assert guard.wait_seconds("x") == 0.0


def test_failures_older_than_a_minute_do_not_count() -> None:
    clock = Clock()
    guard = LoginGuard(max_failures=3, lockout_s=600, clock=clock)
    for _ in range(5):
        guard.failed("x")
        clock.now += 31
    assert guard.wait_seconds("x") == 0.0


def test_many_failures_in_total_space_out_attempts_without_locking_anyone_out() -> None:
    clock = Clock()
    guard = LoginGuard(max_failures=1000, lockout_s=600, clock=clock)
    for i in range(TOTAL_FAILURES_BEFORE_BACKOFF):
        guard.failed(f"10.0.0.{i}")
    assert guard.wait_seconds("staff") == 0.0
    assert guard.wait_seconds("other") == pytest.approx(BACKOFF_S)
    clock.now += BACKOFF_S
    assert guard.wait_seconds("other") == 0.0


def test_chat_history_keeps_the_latest_turns_within_both_caps() -> None:
    pairs = [(f"fråga {i}", "svar " * 10) for i in range(30)]
    kept = recent_history(pairs, max_turns=10, max_chars=100_000)
    assert kept == pairs[-10:]
    kept = recent_history(pairs, max_turns=10, max_chars=200)
    assert kept == pairs[-(200 // len("fråga 29" + "svar " * 10)):]
    assert recent_history(pairs, max_turns=0, max_chars=1000) == []


def test_api_history_over_the_caps_is_refused_before_character_checks() -> None:
    messages = [("user", "fråga"), ("assistant", "svar")] * 6
    with pytest.raises(InputError, match="för många meddelanden"):
        history_pairs(messages, "history", max_turns=5, max_chars=10_000)
    assert len(history_pairs(messages, "history", max_turns=6, max_chars=10_000)) == 6
    bad = [("user", "\ud800" * 30_000)]  # would fail the character check, is too long first
    with pytest.raises(InputError, match="för lång") as info:
        history_pairs(bad, "history", max_turns=5, max_chars=20_000)
    assert info.value.code == "history_too_long"


def test_the_question_length_is_checked_before_its_characters() -> None:
    with pytest.raises(InputError) as info:
        check_question("\x00" * 5000, 2000)
    assert info.value.code == "too_long"
    with pytest.raises(QuestionError, match="för lång"):
        clean_question("\x00" * 10_000, 2000)


def test_body_limits_per_path() -> None:
    limit = body_limit_for(Settings(api_max_body_kb=256, max_upload_mb=20))
    assert limit("/api/ask") == limit("/v1/chat/completions") == 256 * 1024
    assert limit("/personal/logga-in") == 256 * 1024
    assert limit("/gradio_api/upload") > 80 * 1024 * 1024
    assert limit("/gradio_api/queue/join") == 1024 * 1024


def test_new_settings_are_validated_and_parse_cors_origins() -> None:
    settings = Settings.from_env(environ={"STYRDOK_CORS_ORIGINS": "https://a.se/, https://b.se"})
    assert settings.cors_origin_list == ["https://a.se", "https://b.se"]
    assert Settings().cors_origin_list == []
    with pytest.raises(SettingsError):
        Settings.from_env(environ={}, login_max_failures=0)


def test_the_feedback_export_is_private(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.add("Vad kostar bygglov?", "5 000 kronor [1]", [], "up", "bra")
    path = private_export(store)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert "Vad kostar bygglov?" in path.read_text(encoding="utf-8-sig")
    finally:
        import shutil

        shutil.rmtree(path.parent)
