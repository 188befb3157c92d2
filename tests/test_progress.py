"""Feedback on long work: a stage line only on a terminal and only after a second; --quiet and --verbose."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kustavi_dcat import pipeline, progress
from kustavi_dcat.cli import main
from kustavi_dcat.page import PAGE_FILES
from kustavi_dcat.progress import Feedback
from kustavi_dcat.rdf.serialise import FORMATS
from kustavi_dcat.records import files as record_files
from kustavi_dcat.vocabulary import files as vocabulary_files
from tests.conftest import SOURCE

WRITTEN = sorted([*FORMATS, *PAGE_FILES.values(), *vocabulary_files()])
"""What publishing the Kustavi source writes: the catalogue files, the fi, sv and en pages and the s28
vocabulary (Turtle and page)."""


def publish(*args: str) -> Result:
    return CliRunner().invoke(main, ["publish", "--source", str(SOURCE), *args])


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


# -- --quiet and --verbose -------------------------------------------------------------------------


def test_default_run_off_a_terminal_prints_results_and_no_progress(tmp_path: Path) -> None:
    result = publish("--out", str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "\r" not in result.output
    assert result.stdout.count("wrote ") == len(WRITTEN)


def test_quiet_prints_nothing_on_success_and_still_writes(tmp_path: Path) -> None:
    result = publish("--quiet", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert result.output == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == WRITTEN


def test_quiet_still_prints_errors(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    (source / "catalog.yaml").write_text("catalog: [\n", "utf-8")
    result = CliRunner().invoke(main, ["publish", "-q", "--source", str(source), "--out", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert f"{source / 'catalog.yaml'}:1:10: " in result.stderr


def test_verbose_prints_each_stage_with_its_time_and_counts(tmp_path: Path) -> None:
    result = publish("--verbose", "--out", str(tmp_path))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert [line.split()[0] for line in lines] == [*pipeline.STAGES, "total"]
    for line in lines:
        assert float(line.split()[1]) >= 0 and line.split()[2] == "s"
    by_stage = {line.split()[0]: line for line in lines}
    assert "triples" in by_stage["map"] and "25 datasets" in by_stage["map"]
    assert "0 violations" in by_stage["validate"]
    assert f"{len(WRITTEN)} files" in by_stage["write"]
    assert result.stdout.count("wrote ") == len(WRITTEN)


def test_verbose_marks_the_stage_that_failed(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    (source / "catalog.yaml").write_text("catalog: [\n", "utf-8")
    result = CliRunner().invoke(main, ["publish", "-v", "--source", str(source), "--out", str(tmp_path / "o")])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0].split()[0] == "load" and lines[0].endswith("failed")
    assert lines[1].startswith("total")
    assert "problem in the source" in lines[2]


def test_quiet_and_verbose_together_is_a_usage_error(tmp_path: Path) -> None:
    result = publish("--quiet", "--verbose", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert not tmp_path.joinpath("catalog.ttl").exists()


# -- the stage line --------------------------------------------------------------------------------


def _slow(stage: Callable[..., object], seconds: float) -> Callable[..., object]:
    def wrapper(*args: object, **kwargs: object) -> object:
        time.sleep(seconds)
        return stage(*args, **kwargs)

    return wrapper


def test_on_a_terminal_a_long_run_shows_the_stage_line_then_clears_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "is_terminal", lambda stream: True)
    monkeypatch.setattr(progress, "DELAY", 0.05)
    monkeypatch.setattr(progress, "INTERVAL", 0.01)
    monkeypatch.setattr(record_files, "writers", _slow(record_files.writers, 0.3))

    result = publish("--out", str(tmp_path))

    assert result.exit_code == 0
    assert "\rpublishing [###..] serialise " in result.stderr
    width = len(result.stderr.rsplit("\r", 2)[-2])
    assert result.stderr.endswith("\r" + " " * width + "\r"), "the line is cleared at the end"
    assert result.stdout.count("wrote ") == len(WRITTEN)


def test_on_a_terminal_quiet_shows_no_stage_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "is_terminal", lambda stream: True)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.01)
    monkeypatch.setattr(record_files, "writers", _slow(record_files.writers, 0.1))
    result = publish("-q", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert result.output == ""


def test_a_run_shorter_than_the_delay_draws_nothing() -> None:
    terminal = Terminal()
    with Feedback(terminal, line=True, verbose=False, delay=30, interval=0.005) as feedback:
        feedback.stage("load")
        time.sleep(0.05)
        feedback.stage("done")
    assert terminal.getvalue() == ""


def test_start_draws_only_on_a_terminal() -> None:
    assert Feedback.start(quiet=False, verbose=False, stream=Terminal()).line
    assert not Feedback.start(quiet=False, verbose=False, stream=io.StringIO()).line
    assert not Feedback.start(quiet=True, verbose=False, stream=Terminal()).line


def test_dumb_terminal_gets_no_stage_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    assert not Feedback.start(quiet=False, verbose=False, stream=Terminal()).line


def test_timings_come_from_the_stage_calls() -> None:
    ticks = iter([0.0, 0.0, 1.0, 1.5, 4.0, 4.25, 4.5, 5.0, 5.0, 5.0])
    stream = io.StringIO()
    feedback = Feedback(stream, line=False, verbose=True, clock=lambda: next(ticks))
    with feedback:
        for stage in (*pipeline.STAGES, "done"):
            feedback.stage(stage)
    assert feedback.timings()[:4] == [("load", 0.5), ("map", 2.5), ("validate", 0.25), ("serialise", 0.25)]
    assert stream.getvalue().splitlines()[0] == "load         0.500 s"
