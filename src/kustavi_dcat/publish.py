"""Publish stage: write every output file atomically, or none.

Each file is written beside its target (``.name.tmp-<pid>``), flushed and fsynced; only when all of them
are on disk are they renamed into place, and the folder is fsynced. A failure while writing removes the
temporary files; a failure between two renames puts back the files already replaced (kept as hard-linked
backups until the last rename), so the previous output stays byte for byte either way.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

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
        for temp, target in zip(temps, targets, strict=True):
            _write_synced(temp, files[target.name])
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
    except OSError as exc:
        for i in reversed(done):
            if backups[i].exists():
                os.replace(backups[i], targets[i])
            else:
                targets[i].unlink(missing_ok=True)
        _remove(temps + backups)
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
