"""Feedback during ``publish``: a stage line on a terminal when a run takes longer than a second, and,
when asked, each stage's time and counts.

A steward should see that a slow run is working, but a script or CI log must not fill with carriage
returns; so the line is drawn only when stderr is a terminal, and only after ``DELAY`` seconds (a normal
run finishes first and prints nothing extra). The module writes to a text stream and knows nothing of
click, which stays in the CLI.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from kustavi_dcat.pipeline import STAGES

if TYPE_CHECKING:
    from kustavi_dcat.pipeline import PublishReport

DELAY = 1.0
"""Seconds before the stage line appears: runs shorter than this stay silent."""
INTERVAL = 0.1
"""Seconds between redraws of the stage line."""


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal that can redraw a line."""
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Feedback:
    """The progress callback for ``pipeline.publish`` plus what a run prints besides its result.

    Use as a context manager around the run: the stage line (if any) is cleared before anything else is
    printed, also when the run fails.
    """

    def __init__(self, stream: TextIO, *, line: bool, verbose: bool, delay: float = DELAY,
                 interval: float = INTERVAL, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.line = line
        self.verbose = verbose
        self.delay = delay
        self.interval = interval
        self.clock = clock
        self.marks: list[tuple[str, float]] = []
        self.details: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._width = 0
        self._started = clock()

    @classmethod
    def start(cls, quiet: bool, verbose: bool, stream: TextIO | None = None) -> Feedback:
        """Feedback for a run: a stage line unless ``quiet`` or not on a terminal."""
        out = stream if stream is not None else sys.stderr
        return cls(out, line=not quiet and is_terminal(out), verbose=verbose and not quiet,
                   delay=DELAY, interval=INTERVAL)

    # -- the callback ------------------------------------------------------------------------------

    def stage(self, name: str) -> None:
        """Called by the pipeline as each stage starts ("done" after the last)."""
        with self._lock:
            self.marks.append((name, self.clock()))

    def report(self, report: PublishReport) -> None:
        """Remember the counts that ``--verbose`` prints next to each stage."""
        c = report.counts
        v = report.validation
        path = (f"{report.records} records, {report.reused} of them from the cache"
                if report.whole_graph is None else f"whole graph: {report.whole_graph}")
        self.details = {
            "load": path,
            "map": f"{c.triples} triples; {c.catalogs} catalogues, {c.datasets} datasets, "
                   f"{c.services} data services",
            "validate": f"{len(v.violations)} violations, {len(v.warnings)} warnings",
            "write": f"{len(report.written)} files, {sum(_size(p) for p in report.written)} bytes",
        }

    # -- the stage line ----------------------------------------------------------------------------

    def __enter__(self) -> Feedback:
        self._started = self.clock()
        if self.line:
            self._thread = threading.Thread(target=self._run, name="kustavi-dcat-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._clear()
        if self.verbose:
            self._write_timings(failed=kind is not None)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self.clock() - self._started >= self.delay:
                self._draw()

    def _draw(self) -> None:
        with self._lock:
            stage = self.marks[-1][0] if self.marks else STAGES[0]
        done = STAGES.index(stage) if stage in STAGES else len(STAGES)
        bar = "#" * done + "." * (len(STAGES) - done)
        text = f"publishing [{bar}] {stage} {self.clock() - self._started:.1f} s"
        self._width = max(self._width, len(text))
        self._emit("\r" + text.ljust(self._width))

    def _clear(self) -> None:
        if self._width:
            self._emit("\r" + " " * self._width + "\r")
            self._width = 0

    def _emit(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed terminal must not break the run
            pass

    # -- --verbose ---------------------------------------------------------------------------------

    def timings(self) -> list[tuple[str, float]]:
        """Each finished stage with its seconds (a failed stage ends when the run ends)."""
        with self._lock:
            marks = list(self.marks)
        ends = [t for _, t in marks[1:]] + [self.clock()]
        return [(name, end - start) for (name, start), end in zip(marks, ends, strict=True) if name != "done"]

    def _write_timings(self, failed: bool) -> None:
        rows = self.timings()
        notes = {name: self.details.get(name, "") for name, _ in rows}
        if failed and rows:
            notes[rows[-1][0]] = "failed"
        lines = [f"{name:<10} {seconds:7.3f} s  {notes[name]}".rstrip() for name, seconds in rows]
        lines.append(f"{'total':<10} {sum(seconds for _, seconds in rows):7.3f} s")
        self._emit("\n".join(lines) + "\n")


def _size(path: os.PathLike[str]) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
