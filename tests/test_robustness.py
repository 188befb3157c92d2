"""Robustness of the record-by-record publish: concurrent caches, dying workers, interrupts, full disks.

Each test states what a steward would see.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from click.testing import CliRunner

from kustavi_dcat import cache as cache_module
from kustavi_dcat import pipeline, publish
from kustavi_dcat.cli import main
from kustavi_dcat.errors import EXIT_INTERNAL
from kustavi_dcat.mapping import resource_members
from kustavi_dcat.records import pool, worker
from tests.conftest import ROOT
from tests.support.synth import write_tree


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """39 resource files: the single-process path."""
    folder = tmp_path / "source"
    write_tree(300, folder)
    return folder


@pytest.fixture()
def big_tree(tmp_path: Path) -> Path:
    """63 resource files: more than ``pool.PARALLEL_MIN_FILES``, so worker processes run."""
    folder = tmp_path / "source"
    write_tree(500, folder)
    assert len(list((folder / "resources").glob("*.yaml"))) >= pool.PARALLEL_MIN_FILES
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _entries(cache: Path) -> list[Path]:
    (folder,) = [p for p in cache.iterdir() if p.is_dir()]
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "catalogue-")))


def _head_length(entry: Path) -> int:
    with open(entry, "rb") as handle:
        return int.from_bytes(handle.read(cache_module.HEAD_AT)[-8:], "big")


# What a second publish of the same source does with the shared cache folder: make every record's unit
# (``worker.make_unit``, as its workers do) and store it (``RecordCache.put``), in its own process.
_ANOTHER_PUBLISH = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kustavi_dcat.validation import fastvalidate, validate
    from kustavi_dcat.source import loader
    from kustavi_dcat.cache import RecordCache
    from kustavi_dcat.models import Source
    from kustavi_dcat.records import worker
    from kustavi_dcat.records.unit import SourceFile
    root, cache_dir = Path(sys.argv[1]), Path(sys.argv[2])
    cache = RecordCache.for_source(cache_dir, root)
    files, _ = loader.resource_files(root)
    cache.catalog_bytes = (root / loader.CATALOG_FILE).read_bytes()
    head = loader.read_catalog(root / loader.CATALOG_FILE, cache.catalog_bytes)
    if sys.argv[3] == "longer":  # store every summary longer (another version's spacing): blocks move
        put = cache.put
        cache.put = lambda key, summary, blob: put(key, summary + b" " * 7, blob)
    state = worker.JobState(Source(resources=(), **head.record), fastvalidate.plan(validate.shapes_graph()),
                            validate.shape_texts(), cache)
    with worker.job(state):
        for path in files:
            data = path.read_bytes()
            worker.make_unit(SourceFile(str(path), data, cache.key(str(path), data)))
""")


@pytest.mark.slow
@pytest.mark.parametrize("which", ["every", "longer"])
def test_an_entry_stored_again_by_a_concurrent_publish_neither_corrupts_nor_fails_the_output(
        tree: Path, tmp_path: Path, which: str) -> None:
    """Two publishes sharing a cache folder (one --cache-dir given to two publishes, or
    two CI jobs) both store the entries they made. An entry stored again by the other process (its
    summary may be of another length) is read where its blocks now are: the output is exact."""
    pipeline.publish(tree, tmp_path / "cold")
    cache, out = tmp_path / "cache", tmp_path / "out"
    subprocess.run([sys.executable, "-m", "kustavi_dcat", "publish", "--source", str(tree), "--out", str(out),
                    "--cache-dir", str(cache), "-q"], cwd=ROOT, check=True, env={**os.environ, "PYTHONHASHSEED": "1"})
    entries = _entries(cache)
    lengths = {p: _head_length(p) for p in entries}

    def another_publish_stores_the_same_entries(stage: str) -> None:
        if stage != "write":  # every summary (and its offset) has been read; the files are not yet written
            return
        subprocess.run([sys.executable, "-c", _ANOTHER_PUBLISH, str(tree), str(cache), which], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONHASHSEED": "3"})
        assert which == "every" or any(_head_length(p) != lengths[p] for p in entries), "no entry moved"

    pipeline.publish(tree, out, another_publish_stores_the_same_entries, cache_dir=cache)
    assert _files(out) == _files(tmp_path / "cold")


def test_a_worker_that_dies_does_not_hang_the_publish(big_tree: Path, tmp_path: Path) -> None:
    """A worker killed by the kernel (out of memory at national scale) or by a signal ends the publish
    with an error of its own (not "invalid catalogue"), and nothing is written."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        from pathlib import Path
        from kustavi_dcat.cli import main
        from kustavi_dcat.records import worker
        made = worker.make_unit
        def dying(item):
            if "r000007" in item.name:
                os.kill(os.getpid(), signal.SIGKILL)
            return made(item)
        worker.make_unit = dying
        sys.argv = ["kustavi-dcat", "publish", "--source", {str(big_tree)!r}, "--out", {str(tmp_path / "out")!r},
                    "--cache-dir", {str(tmp_path / "cache")!r}]
        main()
    """)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        child.communicate(timeout=45)  # a normal publish of this tree takes about two seconds
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the main process and its pool
        child.communicate()
        pytest.fail("publish still waiting for a dead worker after 45 s")
    assert child.returncode == EXIT_INTERNAL, child.returncode
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_an_interrupt_between_two_renames_leaves_the_previous_output(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C between two renames puts back the files already replaced: the previous output stays, with
    no ``.bak-``/``.tmp-`` file beside it."""
    out = tmp_path / "out"
    pipeline.publish(tree, out)
    before = _files(out)
    record = sorted((tree / "resources").glob("*.yaml"))[0]
    record.write_bytes(record.read_bytes().replace(b'fi: "', b'fi: "Muokattu ', 1))  # a new title
    renames: list[str] = []
    replace = os.replace

    def interrupted(src: Any, dst: Any) -> None:
        if Path(dst).parent == out:
            renames.append(str(dst))
            if len(renames) == 2:
                raise KeyboardInterrupt
        replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)  # the os module publish.py renames with
    with pytest.raises(KeyboardInterrupt):
        pipeline.publish(tree, out, cache_dir=tmp_path / "cache")
    monkeypatch.undo()
    assert _files(out) == before  # every file as it was, and no .bak-/.tmp- file beside them


def test_a_cache_entry_that_cannot_be_written_leaves_no_temporary_file(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Disk full while storing entries: the publish falls back to the whole graph and leaves no partial
    ``.<key>.tmp-<pid>`` entry behind."""
    cache = tmp_path / "cache"
    opened: list[str] = []
    real_open = open

    class Full:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def full_disk(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(path, mode, *args, **kwargs)
        if "w" in mode and ".tmp-" in str(path):
            opened.append(str(path))
            if len(opened) > 5:
                return Full(handle)
        return handle

    monkeypatch.setattr(cache_module, "open", full_disk, raising=False)
    pipeline.publish(tree, tmp_path / "out", cache_dir=cache)
    left = [p.name for p in cache.rglob("*") if ".tmp-" in p.name]
    assert left == []


def test_a_cache_folder_that_cannot_be_used_is_named_to_the_user(tree: Path, tmp_path: Path) -> None:
    """--cache-dir naming a file (or a folder that cannot be written): the publish says so, naming the
    folder and what to do, and uses a temporary cache."""
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder\n")
    result = CliRunner().invoke(main, ["publish", "--source", str(tree), "--out", str(tmp_path / "out"),
                                       "--cache-dir", str(blocker)])
    assert str(blocker) in result.stderr


def test_an_internal_error_does_not_exit_as_an_invalid_catalogue(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected exception in a record's work is an internal error with its own exit code, never the
    code of "a SHACL violation", which a CI job would read as an invalid catalogue."""
    members: Callable[..., Any] = resource_members

    def broken(ctx: Any, resource: Any) -> Any:
        if "r000007" in resource.origin.file:
            raise RuntimeError("unexpected")
        return members(ctx, resource)

    monkeypatch.setattr(worker, "resource_members", broken)
    result = CliRunner().invoke(main, ["publish", "--source", str(tree), "--out", str(tmp_path / "out"),
                                       "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == EXIT_INTERNAL
    assert "internal error" in result.stderr


def test_a_failure_in_the_main_writer_stops_the_second_writer(tmp_path: Path) -> None:
    """An interrupt or a write error in the main process stops the forked second writer at once (its share
    is a gigabyte at national scale) and leaves no temporary file."""
    def fails(handle: BinaryIO) -> None:
        handle.write(b"x")
        raise KeyboardInterrupt

    def slow(handle: BinaryIO) -> None:
        for _ in range(100):
            handle.write(b"y" * 1000)
            time.sleep(0.1)

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        publish.write_atomically(tmp_path, {"a.ttl": fails, "b.nt": slow})
    assert time.monotonic() - start < 3
    assert list(tmp_path.iterdir()) == []
