"""The ingest progress display: time left from the pace of real work, plain lines in logs."""

from __future__ import annotations

import io

import pytest

from ui.ingest_progress import IngestProgress, format_duration


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_time_left_ignores_the_fast_start_of_a_resumed_run() -> None:
    clock = Clock()
    progress = IngestProgress(io.StringIO(), tty=False, every_s=1e9, clock=clock)
    progress("files", 0, 1000)
    clock.now = 2.0
    progress("files", 600, 1000)  # finished before the interruption: found unchanged, fast
    progress("embed", 0, 100)  # the first batch of real work starts
    clock.now = 52.0
    progress("embed", 100, 100)
    progress("files", 610, 1000)  # 10 files in 50 s
    assert progress.seconds_left() == pytest.approx(390 * 5.0)
    assert "610 av 1000 filer klara (61 %), 100 texter inbäddade, cirka 32 min kvar" in (
        progress.describe()
    )


def test_texts_embedded_add_up_over_batches() -> None:
    progress = IngestProgress(io.StringIO(), tty=False)
    for _ in range(3):
        progress("embed", 0, 40)
        progress("embed", 32, 40)
        progress("embed", 40, 40)
    assert progress.texts_embedded == 120


def test_without_a_terminal_lines_come_periodically_without_control_characters() -> None:
    clock = Clock()
    out = io.StringIO()
    progress = IngestProgress(out, tty=False, every_s=30.0, clock=clock)
    for done in range(0, 101):
        clock.now = done * 1.0
        progress("files", done, 100)
        if done % 10 == 0:
            progress("embed", 0, 10)
    lines = out.getvalue().splitlines()
    # t = 0, 30, 60, 90 and the final report at 100
    assert [line.split(" filer")[0] for line in lines] == [
        "Inläsning: 0 av 100", "Inläsning: 30 av 100", "Inläsning: 60 av 100",
        "Inläsning: 90 av 100", "Inläsning: 100 av 100",
    ]
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_on_a_terminal_the_bar_shows_the_time_left() -> None:
    clock = Clock()
    out = io.StringIO()
    progress = IngestProgress(out, tty=True, clock=clock)
    progress("files", 0, 10)
    progress("embed", 0, 5)
    clock.now = 10.0
    progress("files", 5, 10)
    progress.close()
    assert "5/10" in out.getvalue() and "cirka 10 s kvar" in out.getvalue()


@pytest.mark.parametrize(
    ("seconds", "text"), [(40, "40 s"), (600, "10 min"), (3900, "1 h 05 min")]
)
def test_durations_read_in_swedish(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
