"""Publish stage: write every output file atomically, or none.

Each file is written beside its target (``.name.tmp-<pid>``), flushed and fsynced; only when all of them
are on disk are they renamed into place, and the folder is fsynced. A failure while writing removes the
temporary files; a failure between two renames puts back the files already replaced (kept as hard-linked
backups until the last rename), so the previous output stays byte for byte either way.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from kustavi_dcat.errors import OutputError

Content = bytes | Callable[[BinaryIO], None]
"""A file's bytes, or a function that writes them to an open file (for files too large to hold)."""


def write_atomically(out_dir: Path, files: Mapping[str, Content]) -> list[Path]:
    """Write ``files`` (name -> content) into ``out_dir``; returns the paths written, in name order."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder ({exc.strerror or exc})") from exc
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: not a folder; give another --out")
    targets = [out_dir / name for name in sorted(files)]
    for target in targets:
        if target.exists() and not target.is_file():
            raise OutputError(f"{target}: is not a regular file; move it away (nothing was written)")
    temps = [target.with_name(f".{target.name}.tmp-{os.getpid()}") for target in targets]
    backups = [target.with_name(f".{target.name}.bak-{os.getpid()}") for target in targets]
    try:
        _write_all([(temp, files[target.name]) for temp, target in zip(temps, targets, strict=True)])
        for target, backup in zip(targets, backups, strict=True):
            if target.exists():
                _keep(target, backup)
    except OSError as exc:
        _remove(temps + backups)
        raise OutputError(f"{exc.filename or out_dir}: cannot write ({exc.strerror or exc}); "
                          "the previous output is unchanged") from exc
    except BaseException:  # a writer failed (or the run was interrupted): leave nothing behind
        _remove(temps + backups)
        raise
    _swap(temps, targets, backups)
    _remove(backups)
    _sync_dir(out_dir)
    return targets


def _swap(temps: list[Path], targets: list[Path], backups: list[Path]) -> None:
    """Rename every temporary file onto its target; on a failure, undo the renames already done."""
    done: list[int] = []
    try:
        for i, (temp, target) in enumerate(zip(temps, targets, strict=True)):
            os.replace(temp, target)
            done.append(i)
    except BaseException as exc:  # a failed rename, or an interrupt between two: undo, then say why
        for i in reversed(done):
            if backups[i].exists():
                os.replace(backups[i], targets[i])
            else:
                targets[i].unlink(missing_ok=True)
        _remove(temps + backups)
        if not isinstance(exc, OSError):
            raise
        failed = targets[len(done)]
        raise OutputError(f"{failed}: cannot replace ({exc.strerror or exc}); the previous output is unchanged"
                          ) from exc


def _keep(target: Path, backup: Path) -> None:
    """A backup of ``target`` that survives its replacement: a hard link, or a copy where links fail."""
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _write_all(jobs: list[tuple[Path, Content]]) -> None:
    """Write and fsync every temporary file. Streamed files are shared with a forked second process
    (each file is written whole by one process), so two cores read, copy and sync them; a failure in
    either is raised here, after both have stopped."""
    streamed = [job for job in jobs if not isinstance(job[1], bytes)]
    if len(streamed) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for path, data in jobs:
            _write_synced(path, data)
        return
    theirs = streamed[1::2]
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    helper = multiprocessing.get_context("fork").Process(target=_write_in_child, args=(theirs, send), daemon=True)
    helper.start()
    send.close()
    try:
        for path, data in jobs:
            if (path, data) not in theirs:
                _write_synced(path, data)
    except BaseException:  # this share failed or was interrupted: the other share is not wanted either
        helper.terminate()
        helper.join()
        raise
    try:
        failure = receive.recv()
    except EOFError:  # it ended without a word (killed)
        failure = ("the second writing process stopped", "")
    finally:
        helper.join()
    if failure is not None:
        raise OSError(errno.EIO, failure[0], failure[1])


def _write_in_child(jobs: list[tuple[Path, Content]], send: Any) -> None:
    """The second process's share of ``_write_all``: reports None, or what failed and where."""
    try:
        for path, data in jobs:
            _write_synced(path, data)
    except BaseException as exc:  # everything is reported to the parent, which raises it
        send.send((getattr(exc, "strerror", None) or str(exc) or type(exc).__name__,
                   str(getattr(exc, "filename", "") or "")))
        return
    send.send(None)


def _write_synced(path: Path, data: Content) -> None:
    with open(path, "wb", buffering=1024 * 1024) as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:
            data(handle)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_dir(folder: Path) -> None:
    """Make the renames durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
