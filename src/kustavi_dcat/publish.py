"""Publish stage: write every output file atomically, or none.

Each file is written beside its target (``.name.tmp-<pid>``), flushed and fsynced; only when all of them
are on disk are they renamed into place, and the folder is fsynced. Any failure before the renames
removes the temporary files and leaves the previous output byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from kustavi_dcat.errors import OutputError


def write_atomically(out_dir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``out_dir``; returns the paths written, in name order."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder ({exc.strerror or exc})") from exc
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: not a folder; give another --out")
    staged: list[tuple[Path, Path]] = []
    try:
        for name in sorted(files):
            target = out_dir / name
            temp = out_dir / f".{name}.tmp-{os.getpid()}"
            staged.append((temp, target))
            _write_synced(temp, files[name])
        for temp, target in staged:
            os.replace(temp, target)
        _sync_dir(out_dir)
    except OSError as exc:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        where = exc.filename or out_dir
        raise OutputError(f"{where}: cannot write ({exc.strerror or exc}); the previous output is unchanged"
                          ) from exc
    return [target for _, target in staged]


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
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
