"""Progress of ``styrdok ingest``: a tqdm bar on a terminal, one-line reports in logs.

The pipeline reports ``("files", finished, total)`` when inputs are finished (stored,
unchanged or skipped) and ``("embed", done, total)`` within each storage batch. The time left is
estimated from the pace since the first batch was embedded: files found unchanged at the start
(a resumed run skips everything finished before the interruption) take almost no time, and
counting them would promise an end far too early.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

REPORT_EVERY_S = 30.0


def format_duration(seconds: float) -> str:
    """``1 h 05 min``, ``12 min``, ``40 s`` (Swedish short units)."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


class IngestProgress:
    """The ingest progress callback for the command line.

    ``tty`` chooses the tqdm bar; otherwise a line is written at most every ``every_s``
    seconds (and at the end), with no control characters, for logs and CI.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        every_s: float = REPORT_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every_s = every_s
        self.clock = clock
        self.files_done = 0
        self.files_total = 0
        self.embedded = 0
        self._embedded_in_batch = 0
        self._pace_from: tuple[int, float] | None = None  # (files finished, time) at first embed
        self._last_line = -float("inf")
        self._bar: object | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if stage == "embed":
            if done == 0:  # a new batch
                self.embedded += self._embedded_in_batch
                self._embedded_in_batch = 0
                if self._pace_from is None:
                    self._pace_from = (self.files_done, now)
            else:
                self._embedded_in_batch = done
        else:
            self.files_done, self.files_total = done, total
        self._show(now, final=stage == "files" and done >= total)

    @property
    def texts_embedded(self) -> int:
        return self.embedded + self._embedded_in_batch

    def seconds_left(self, now: float | None = None) -> float | None:
        """Files left times the time per file since embedding began; None before it can tell."""
        if self._pace_from is None:
            return None
        start_files, start_time = self._pace_from
        finished = self.files_done - start_files
        if finished <= 0:
            return None
        elapsed = (self.clock() if now is None else now) - start_time
        return (self.files_total - self.files_done) * elapsed / finished

    def describe(self, now: float | None = None) -> str:
        """``12 av 100 filer klara (12 %), 340 texter inbäddade, cirka 3 min kvar``."""
        total = self.files_total
        share = f" ({self.files_done / total:.0%})".replace("%", " %") if total else ""
        text = f"{self.files_done} av {total} filer klara{share}, "
        text += f"{self.texts_embedded} texter inbäddade"
        left = self.seconds_left(now)
        if left is not None and self.files_done < total:
            text += f", cirka {format_duration(left)} kvar"
        return text

    def _show(self, now: float, final: bool) -> None:
        if self.tty:
            self._show_bar(now)
        elif final or now - self._last_line >= self.every_s:
            self._last_line = now
            print(f"Inläsning: {self.describe(now)}", file=self.stream, flush=True)

    def _show_bar(self, now: float) -> None:
        from tqdm import tqdm

        if self._bar is None:
            self._bar = tqdm(
                total=self.files_total, desc="Filer", unit="fil", file=self.stream,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                "[{elapsed}{postfix}]",
            )
        bar = self._bar
        assert isinstance(bar, tqdm)
        bar.total = self.files_total
        bar.n = self.files_done
        left = self.seconds_left(now)
        postfix = f"{self.texts_embedded} texter inbäddade"
        if left is not None and self.files_done < self.files_total:
            postfix += f", cirka {format_duration(left)} kvar"
        bar.set_postfix_str(postfix, refresh=False)
        bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            from tqdm import tqdm

            assert isinstance(self._bar, tqdm)
            self._bar.close()
            self._bar = None
