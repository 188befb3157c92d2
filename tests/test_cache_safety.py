"""The record cache can neither run code nor publish what was not validated, and only its user's folder holds it.

Each test plants what an attacker or an accident could put in the cache folder (a pickle that runs a
command, an entry with a flipped byte or an edited title, a FIFO, a link) or gives a folder another user
could write to, and checks what a steward would: the exit code, the warning, that nothing ran, and that
the output has exactly the bytes of a publish without any cache.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kustavi_dcat import pipeline
from kustavi_dcat.cache import HEAD_AT, SECRET, RecordCache, default_dir
from kustavi_dcat.cli import main
from tests.conftest import ROOT
from tests.support.synth import write_tree


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    folder = tmp_path / "source"
    write_tree(60, folder)
    return folder


@pytest.fixture()
def cold(tree: Path, tmp_path: Path) -> dict[str, bytes]:
    """The bytes of a publish without a cache."""
    pipeline.publish(tree, tmp_path / "cold")
    return _files(tmp_path / "cold")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _warm(tree: Path, cache: Path, out: Path) -> list[Path]:
    """Publish once with ``cache``; returns its record entries."""
    pipeline.publish(tree, out, cache_dir=cache)
    (folder,) = [p for p in cache.iterdir() if p.is_dir()]
    return sorted(p for p in folder.iterdir() if not p.name.startswith(("catalogue-", ".")))


def _cached(tree: Path, out: Path, cache: Path) -> tuple[pipeline.PublishReport, int]:
    """Publish with ``cache``; returns the report and how many records the cache gave."""
    report = pipeline.publish(tree, out, cache_dir=cache)
    return report, report.reused


class _Planted:
    """A pickle that runs a shell command when it is unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def test_a_planted_pickle_is_never_run(tree: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    """An entry (or the catalogue level) replaced by a pickle whose ``__reduce__`` runs a command, in the
    old layout and bare: the command never runs and the output is a cold publish's."""
    cache = tmp_path / "cache"
    entries = _warm(tree, cache, tmp_path / "first")
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Planted(marker))
    entries[0].write_bytes(len(payload).to_bytes(8, "big") + payload)
    entries[1].write_bytes(payload)
    entries[2].write_bytes(entries[2].read_bytes()[:HEAD_AT] + payload)  # after a genuine digest
    (level,) = list(entries[0].parent.glob("catalogue-*"))
    level.write_bytes(payload)
    _, reused = _cached(tree, tmp_path / "out", cache)
    assert not marker.exists()
    assert reused == len(entries) - 3
    assert _files(tmp_path / "out") == cold


def test_a_flipped_byte_or_an_edited_title_in_an_entry_is_a_miss(tree: Path, tmp_path: Path,
                                                                  cold: dict[str, bytes]) -> None:
    """An entry changed in its rendered text (one byte) or in its summary (a title, a result removed)
    no longer matches its digest: it is made again and the output is a cold publish's."""
    cache = tmp_path / "cache"
    entries = _warm(tree, cache, tmp_path / "first")
    data = bytearray(entries[0].read_bytes())
    data[-10] ^= 0x01  # in the blocks, the text published as is
    entries[0].write_bytes(bytes(data))
    summary = entries[1].read_bytes()
    assert summary.count(b'"triples":') == 1
    entries[1].write_bytes(summary.replace(b'"triples":', b'"triples":1', 1))  # the summary's count
    title = entries[2].read_bytes()
    at = title.rindex(b'<http://purl.org/dc/terms/title> "') + len(b'<http://purl.org/dc/terms/title> "')
    entries[2].write_bytes(title[:at] + b"X" + title[at + 1:])  # a title, edited in the N-Triples text
    digest = entries[3].read_bytes()
    entries[3].write_bytes(digest[:4] + bytes(32) + digest[36:])  # a digest of zeros
    _, reused = _cached(tree, tmp_path / "out", cache)
    assert reused == len(entries) - 4
    assert _files(tmp_path / "out") == cold


def test_an_entry_copied_from_another_cache_is_a_miss(tree: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    """Entries are keyed by public inputs, so anyone can compute a key; an entry made under another
    cache's secret (someone else's, or planted) is not accepted."""
    theirs = _warm(tree, tmp_path / "theirs", tmp_path / "first")
    ours = _warm(tree, tmp_path / "ours", tmp_path / "second")
    for mine, other in zip(ours, theirs, strict=True):
        mine.write_bytes(other.read_bytes())
    _, reused = _cached(tree, tmp_path / "out", tmp_path / "ours")
    assert reused == 0
    assert _files(tmp_path / "out") == cold


def test_a_fifo_or_a_link_in_place_of_an_entry_is_a_miss_and_never_waits(tree: Path, tmp_path: Path,
                                                                          cold: dict[str, bytes]) -> None:
    """A FIFO would block a plain open until a writer came; a link could point anywhere. Both are misses,
    and the publish ends (in its own process, so a hang fails the test instead of stopping it)."""
    cache = tmp_path / "cache"
    entries = _warm(tree, cache, tmp_path / "first")
    entries[0].unlink()
    os.mkfifo(entries[0])
    target = tmp_path / "elsewhere"
    target.write_bytes(entries[1].read_bytes())
    entries[1].unlink()
    entries[1].symlink_to(target)
    done = subprocess.run([sys.executable, "-m", "kustavi_dcat", "publish", "--source", str(tree), "--out",
                           str(tmp_path / "out"), "--cache-dir", str(cache), "-v"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{len(entries) - 2} of them from the cache" in done.stderr
    assert _files(tmp_path / "out") == cold


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder away needs root")
def test_a_cache_folder_owned_by_someone_else_is_refused(tree: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    os.chown(cache, 4242, 4242)
    result = CliRunner().invoke(main, ["publish", "--source", str(tree), "--out", str(tmp_path / "out"),
                                       "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    assert f"warning: {cache}: the record cache cannot be kept there (owned by another user" in result.stderr
    assert "temporary one" in result.stderr
    assert list(cache.iterdir()) == []
    assert _files(tmp_path / "out") == cold


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777])
def test_a_cache_folder_others_can_write_to_is_refused(tree: Path, tmp_path: Path, cold: dict[str, bytes],
                                                       mode: int) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    os.chmod(cache, mode)
    result = CliRunner().invoke(main, ["publish", "--source", str(tree), "--out", str(tmp_path / "out"),
                                       "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    assert f"warning: {cache}: the record cache cannot be kept there (writable by other users" in result.stderr
    assert list(cache.iterdir()) == []
    assert _files(tmp_path / "out") == cold


def test_a_secret_others_can_read_is_refused(tree: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    """Whoever reads the secret can make entries this cache accepts."""
    cache = tmp_path / "cache"
    _warm(tree, cache, tmp_path / "first")
    os.chmod(cache / SECRET, 0o644)
    result = CliRunner().invoke(main, ["publish", "--source", str(tree), "--out", str(tmp_path / "out"),
                                       "--cache-dir", str(cache), "-v"])
    assert result.exit_code == 0, result.output
    assert "readable or writable by other users" in result.stderr
    assert "0 of them from the cache" in result.stderr
    assert _files(tmp_path / "out") == cold


def test_the_default_cache_is_the_users_own_even_for_an_output_in_a_shared_folder(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An output folder inside a world-writable folder (``/tmp``) keeps its cache in the user's cache
    folder, 0700, and nothing beside the output; without ``XDG_CACHE_HOME``, under ``~/.cache``."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    out = shared / "out"
    result = CliRunner().invoke(main, ["publish", "--source", str(tree), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    folder = default_dir(out)
    assert folder.parent == tmp_path / "home" / ".cache" / "kustavi-dcat"
    for made in (folder, folder.parent, folder.parent.parent):  # .cache too: the XDG convention's 0700
        assert made.stat().st_mode & 0o777 == 0o700, made
    assert sorted(p.name for p in shared.iterdir()) == ["out"]
    assert RecordCache.for_source(folder, tree).folder.is_dir()
