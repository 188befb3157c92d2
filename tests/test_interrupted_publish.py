"""Interrupted and killed publishes: the output is all old or all new, and nothing is left behind.

A steward's publish may be stopped by Ctrl-C, by SIGTERM (a service manager, a CI timeout) or killed
outright (SIGKILL, the kernel out of memory), at any moment: while the workers map the records, between
two renames of the output files. Each test runs a real ``kustavi-dcat publish`` process and checks what
the steward and a harvester would: the exit code, the files in the output folder (byte for byte, no
``.tmp-``/``.bak-`` file, no journal once recovered), no worker process left running and no temporary
cache folder left in the temporary directory.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kustavi_dcat import interrupts, pipeline, publish
from kustavi_dcat.errors import EXIT_INTERRUPTED, EXIT_TERMINATED
from kustavi_dcat.records.pool import PARALLEL_MIN_FILES
from tests.conftest import ROOT
from tests.support.synth import write_tree

# Every test here starts publishes in child processes and signals them (about 30 s in all): slow.
pytestmark = pytest.mark.slow


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """63 resource files: enough for worker processes."""
    folder = tmp_path / "source"
    write_tree(500, folder)
    assert len(list((folder / "resources").glob("*.yaml"))) >= PARALLEL_MIN_FILES
    return folder


@pytest.fixture()
def old_and_new(tree: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """An output folder holding a published catalogue (old), and the bytes the edited source gives (new)."""
    out = tmp_path / "out"
    pipeline.publish(tree, out)
    old = _files(out)
    record = sorted((tree / "resources").glob("*.yaml"))[0]
    record.write_bytes(record.read_bytes().replace(b'fi: "', b'fi: "Muokattu ', 1))
    pipeline.publish(tree, tmp_path / "new")
    new = _files(tmp_path / "new")
    assert new != old
    return out, old, new


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to be reaped has stopped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _all_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [p for p in pids if _alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


# A publish whose workers note their process ids and take their time (so a signal finds them busy), and
# that can kill itself after its k-th rename into the output folder (or, after the last, at the removal of
# the journal).
_PUBLISH = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from kustavi_dcat.cli import main
    from kustavi_dcat.records import worker
    pids, delay, kill_at, how = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    made = worker.make_unit

    def noted(item):
        (pids / str(os.getpid())).touch()
        time.sleep(delay)
        return made(item)
    worker.make_unit = noted
    if kill_at >= 0:
        out = Path(sys.argv[sys.argv.index("--out") + 1]).absolute()
        replace, renames = os.replace, []

        def killing(src, dst):
            if Path(dst).parent == out and kill_at == len(renames):
                os.kill(os.getpid(), getattr(signal, how))
            replace(src, dst)
            if Path(dst).parent == out:
                renames.append(dst)
        os.replace = killing
        unlink = os.unlink

        def killing_at_the_journal(path, *args, **kwargs):
            if Path(path).name == ".kustavi-publish.journal" and renames and kill_at == len(renames):
                os.kill(os.getpid(), getattr(signal, how))  # every file renamed, the journal not yet removed
            unlink(path, *args, **kwargs)
        os.unlink = killing_at_the_journal
    from contextlib import contextmanager
    from kustavi_dcat import interrupts
    handled = interrupts.handled

    @contextmanager
    def noted_handled():
        with handled():
            (pids / "handlers-installed").touch()  # from here on, SIGTERM is the program's to handle
            yield
    interrupts.handled = noted_handled
    sys.argv = ["kustavi-dcat", "publish", *sys.argv[5:]]
    main()
""")


@pytest.fixture()
def temp_dir(tmp_path: Path) -> Path:
    """The child's temporary directory (``TMPDIR``), where ``--no-cache`` puts its record cache."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def _start(tree: Path, out: Path, pids: Path, temp: Path, *, delay: float = 0.0, kill_at: int = -1,
           how: str = "SIGKILL", cache: list[str] | None = None) -> subprocess.Popen[str]:
    pids.mkdir(exist_ok=True)
    args = [sys.executable, "-c", _PUBLISH, str(pids), str(delay), str(kill_at), how,
            "--source", str(tree), "--out", str(out), *(cache or ["--no-cache"])]
    return subprocess.Popen(args, cwd=ROOT, env={**os.environ, "TMPDIR": str(temp)}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _workers(pids: Path, main: int) -> list[int]:
    return [int(p.name) for p in pids.iterdir() if p.name.isdigit() and int(p.name) != main]


def _wait_for_handlers(child: subprocess.Popen[str], pids: Path) -> None:
    """Until the publish has installed its signal handlers: a SIGTERM before that, while Python is still
    importing, ends the process by the default action before it has touched anything."""
    deadline = time.monotonic() + 60
    while not (pids / "handlers-installed").exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the publish never installed its signal handlers"
        time.sleep(0.01)


def _wait_for_workers(child: subprocess.Popen[str], pids: Path) -> None:
    deadline = time.monotonic() + 60
    while len(_workers(pids, child.pid)) < 2:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "no worker started"
        time.sleep(0.02)


def _finish(child: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail("publish did not end within 60 s of the signal")
    return child.returncode, err


@pytest.mark.parametrize("group", [False, True], ids=["main process", "process group"])
def test_sigterm_stops_a_publish_like_ctrl_c(old_and_new: tuple[Path, dict[str, bytes], dict[str, bytes]],
                                             tmp_path: Path, tree: Path, temp_dir: Path, group: bool) -> None:
    """SIGTERM to the publish (or to it and its workers, as a service manager sends it) while the workers
    map records: exit 143 with a message, the previous output byte for byte, no temporary file or cache
    folder, no worker left."""
    out, old, _ = old_and_new
    pids = tmp_path / "pids"
    child = _start(tree, out, pids, temp_dir, delay=0.2)
    _wait_for_workers(child, pids)
    if group:
        os.killpg(child.pid, signal.SIGTERM)
    else:
        child.send_signal(signal.SIGTERM)
    code, err = _finish(child)
    assert code == EXIT_TERMINATED, err
    assert "terminated" in err and "Traceback" not in err
    assert _files(out) == old
    assert list(temp_dir.iterdir()) == []
    assert _all_gone(_workers(pids, child.pid)) == []


def test_ctrl_c_exits_130_and_leaves_nothing(old_and_new: tuple[Path, dict[str, bytes], dict[str, bytes]],
                                            tmp_path: Path, tree: Path, temp_dir: Path) -> None:
    """Ctrl-C reaches the whole foreground process group: the same outcome, exit 130."""
    out, old, _ = old_and_new
    pids = tmp_path / "pids"
    child = _start(tree, out, pids, temp_dir, delay=0.2)
    _wait_for_workers(child, pids)
    os.killpg(child.pid, signal.SIGINT)
    code, err = _finish(child)
    assert code == EXIT_INTERRUPTED, err
    assert _files(out) == old
    assert list(temp_dir.iterdir()) == []
    assert _all_gone(_workers(pids, child.pid)) == []


def test_workers_die_with_a_killed_publish_and_the_next_one_tidies_up(
        old_and_new: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, tree: Path,
        temp_dir: Path) -> None:
    """SIGKILL to the main process only (as the kernel's out-of-memory killer does): its workers die with
    it; the temporary cache folder it could not remove is removed by the next publish."""
    out, old, new = old_and_new
    pids = tmp_path / "pids"
    child = _start(tree, out, pids, temp_dir, delay=0.2)
    _wait_for_workers(child, pids)
    workers = _workers(pids, child.pid)
    child.kill()
    code, _ = _finish(child)
    assert code == -signal.SIGKILL
    assert _all_gone(workers) == []
    assert _files(out) == old
    assert len(list(temp_dir.iterdir())) == 1  # what SIGKILL leaves: the next publish removes it
    again = _start(tree, out, tmp_path / "pids2", temp_dir)
    code, err = _finish(again)
    assert code == 0, err
    assert list(temp_dir.iterdir()) == []
    assert _files(out) == new


@pytest.mark.parametrize("kill_at", [0, 1, 2, 3, "all"])
def test_sigkill_between_two_renames_is_undone_by_the_next_publish(
        old_and_new: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, tree: Path,
        temp_dir: Path, kill_at: int | str) -> None:
    """Killed after ``kill_at`` of the renames (all: every file renamed, the journal not yet removed): the
    next start finds the journal and puts every old file back, removing the new, temporary and backup
    files."""
    out, old, _ = old_and_new
    child = _start(tree, out, tmp_path / "pids", temp_dir, kill_at=len(old) if kill_at == "all" else int(kill_at))
    code, _ = _finish(child)
    assert code == -signal.SIGKILL
    assert (out / publish.JOURNAL).exists()
    assert publish.recover(out) is True
    assert _files(out) == old


@pytest.mark.parametrize("kill_at", [1, 3])
def test_sigterm_between_two_renames_puts_the_old_files_back(
        old_and_new: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, tree: Path,
        temp_dir: Path, kill_at: int) -> None:
    out, old, _ = old_and_new
    child = _start(tree, out, tmp_path / "pids", temp_dir, kill_at=kill_at, how="SIGTERM")
    code, err = _finish(child)
    assert code == EXIT_TERMINATED, err
    assert _files(out) == old  # no journal, no .tmp-/.bak- file


def test_a_publish_after_a_killed_one_recovers_first_even_if_it_fails(
        old_and_new: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, tree: Path,
        temp_dir: Path) -> None:
    """The recovery runs at the start of the next publish, before the source is read: a source with a
    problem is refused (exit 3) and the folder is whole again."""
    out, old, _ = old_and_new
    code, _ = _finish(_start(tree, out, tmp_path / "pids", temp_dir, kill_at=2))
    assert code == -signal.SIGKILL
    assert _files(out) != old
    (tree / "catalog.yaml").write_text("{broken\n", "utf-8")
    code, err = _finish(_start(tree, out, tmp_path / "pids2", temp_dir))
    assert code == 3, err
    assert _files(out) == old


def test_killed_at_random_moments_the_output_is_all_old_or_all_new(
        old_and_new: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, tree: Path,
        temp_dir: Path) -> None:
    """SIGKILL or SIGTERM to the main process at random moments of a publish with worker processes and a
    record cache: after recovery the folder is the old or the new output, never a mix, with nothing beside
    it, and no worker survives."""
    out, old, new = old_and_new
    rng = random.Random(14)
    seen = set()
    for round_ in range(12):
        pids = tmp_path / f"pids{round_}"
        how = signal.SIGKILL if round_ % 2 else signal.SIGTERM
        child = _start(tree, out, pids, temp_dir, cache=["--cache-dir", str(tmp_path / "cache")])
        _wait_for_handlers(child, pids)
        time.sleep(rng.uniform(0.0, 2.7))
        child.send_signal(how)
        code, err = _finish(child)
        assert code in (0, EXIT_TERMINATED, -signal.SIGKILL), err
        publish.recover(out)
        files = _files(out)
        assert files in (old, new), sorted(files)
        seen.add("new" if files == new else "old")
        assert _all_gone(_workers(pids, child.pid)) == []
        for name, data in old.items():  # the next round starts from the old output again
            (out / name).write_bytes(data)
    assert seen  # (which of the two each round ends with depends on the machine's speed)


def test_an_interrupt_a_library_swallowed_still_stops_the_publish(tree: Path, tmp_path: Path) -> None:
    """rdflib catches every exception in places (bare ``except:``), so a Ctrl-C's exception can vanish
    while the shapes are parsed; the run must not go on to publish. The signal is recorded, and the next
    stage or the check before the first rename raises it again: nothing is written."""
    out = tmp_path / "out"
    pipeline.publish(tree, out)
    before = _files(out)
    record = sorted((tree / "resources").glob("*.yaml"))[0]
    record.write_bytes(record.read_bytes().replace(b'fi: "', b'fi: "Muokattu ', 1))
    for stage in ("map", "validate", "write"):
        def swallowing(name: str, stage: str = stage) -> None:
            if name == stage:
                try:
                    os.kill(os.getpid(), signal.SIGINT)
                    time.sleep(0.05)
                except KeyboardInterrupt:
                    pass  # what a bare except does
        with interrupts.handled(), pytest.raises(KeyboardInterrupt):
            pipeline.publish(tree, out, swallowing, cache_dir=tmp_path / "cache")
        assert _files(out) == before, stage


def test_published_files_keep_the_mode_of_the_files_they_replace(tree: Path, tmp_path: Path) -> None:
    """A steward who made the catalogue private (0600) or group-writable keeps that; new files are 0644
    whatever the umask."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "catalog.ttl").write_text("old")
    os.chmod(out / "catalog.ttl", 0o600)
    (out / "catalog.nt").write_text("old")
    os.chmod(out / "catalog.nt", 0o664)
    umask = os.umask(0o077)
    try:
        pipeline.publish(tree, out)
    finally:
        os.umask(umask)
    modes = {p.name: p.stat().st_mode & 0o7777 for p in out.iterdir()}
    assert {"catalog.jsonld", "catalog.rdf"} <= set(modes)
    assert modes == {**dict.fromkeys(modes, 0o644), "catalog.ttl": 0o600, "catalog.nt": 0o664}


def test_a_stray_journal_of_unknown_shape_or_outside_names_does_nothing(tmp_path: Path) -> None:
    """A journal cut short (the process died while writing it, before any rename) or naming files outside
    the folder undoes nothing; stray temporary files and backups are removed."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "catalog.ttl").write_text("current")
    (tmp_path / "elsewhere").write_text("keep")
    (out / ".catalog.ttl.tmp-99999").write_text("half")
    (out / ".catalog.ttl.bak-99999").write_text("old")
    for journal in (b'{"journal": 1, "files": [{"target": "catalog.t', b'{"journal": 1, "files": [{"target": '
                    b'"../elsewhere", "temp": "x", "backup": null}]}'):
        (out / publish.JOURNAL).write_bytes(journal)
        assert publish.recover(out) is False
    assert _files(out) == {"catalog.ttl": b"current"}
    assert (tmp_path / "elsewhere").read_text() == "keep"




def test_concurrent_publishes_into_one_folder_leave_one_whole_output(
        old_and_new: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, tree: Path,
        temp_dir: Path) -> None:
    """Two publishes of different sources into the same folder at once (two CI jobs): the lock on the
    folder lets one switch at a time, so the folder ends as one of them, whole, with nothing beside it."""
    out, old, new = old_and_new
    other = tmp_path / "other"
    write_tree(300, other)
    pipeline.publish(other, tmp_path / "other-out")
    theirs = _files(tmp_path / "other-out")
    children = [_start(tree, out, tmp_path / "p1", temp_dir), _start(other, out, tmp_path / "p2", temp_dir)]
    for child in children:
        code, err = _finish(child)
        assert code == 0, err
    assert _files(out) in (new, theirs)
    assert old not in (new, theirs)


def _big_result(n: int) -> bytes:
    return b"x" * n


def test_stopping_the_pool_while_a_worker_sends_its_result_does_not_hang() -> None:
    """A worker killed halfway through sending a result (larger than the pipe) left half a message that
    the pool's manager thread waited on forever, and the stop that joins it never returned."""
    import multiprocessing
    import threading
    import time
    from concurrent.futures import ProcessPoolExecutor

    from kustavi_dcat.records.pool import stop_pool

    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
    for _ in range(4):
        pool.submit(_big_result, 100_000_000)
    time.sleep(0.5)  # the workers are sending their results now
    stopper = threading.Thread(target=stop_pool, args=(pool,), daemon=True)
    stopper.start()
    stopper.join(30)
    assert not stopper.is_alive(), "stopping the pool hung"
