"""Progress and a closing summary for long commands (imports, exports, the demo at scale).

    with Progress("导入企业年度数据 / importing enterprise years", total=len(rows)) as p:
        for batch in batches:
            ...
            p.advance(len(batch))
    summary("imported 100,000 rows in 12.3 s", stream=self.stdout)

On a terminal the line is redrawn at most every half second; in a log (not a TTY) one line is written
per tenth of the work, so CI logs stay short.
"""

from __future__ import annotations

import sys
import time

TTY_INTERVAL_S = 0.5
LOG_STEP = 0.1


class Progress:
    """Report "label: n/total (pct%)" on stderr while work advances; a context manager."""

    def __init__(self, label: str, total: int | None = None, *, stream=None):
        self.label = label
        self.total = total if total and total > 0 else None
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._next_step = LOG_STEP

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.finish()
        elif self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def advance(self, n: int = 1) -> None:
        """Count n more units of work done and report if it is time to."""
        self.done += n
        if self.tty:
            now = time.monotonic()
            if now - self._last_draw >= TTY_INTERVAL_S:
                self._last_draw = now
                self._write("\r" + self.line(), newline=False)
        elif self.total is not None and self.done < self.total and self.done >= self._next_step * self.total:
            # Jump past every step this advance crossed: one line per call at most.
            while self._next_step * self.total <= self.done:
                self._next_step += LOG_STEP
            self._write(self.line())

    def line(self) -> str:
        """The current progress as one line of text."""
        if self.total is None:  # nothing counted: work of unknown size, only the label and, at the end, the time
            return f"{self.label}: {self.done:,}" if self.done else self.label
        pct = 100 * self.done / self.total
        return f"{self.label}: {self.done:,}/{self.total:,} ({pct:.0f}%)"

    def finish(self) -> None:
        """Write the closing line with the elapsed time."""
        elapsed = time.monotonic() - self.started
        self._write(("\r" if self.tty else "") + f"{self.line()} in {elapsed:.1f} s")

    def _write(self, text: str, *, newline: bool = True) -> None:
        self.stream.write(text + ("\n" if newline else ""))
        self.stream.flush()


def summary(text: str, *, stream=None) -> str:
    """Write the one-line summary a long command ends with (stdout by default); returns the text."""
    stream = stream if stream is not None else sys.stdout
    stream.write(text if text.endswith("\n") else text + "\n")
    flush = getattr(stream, "flush", None)
    if flush:
        flush()
    return text
