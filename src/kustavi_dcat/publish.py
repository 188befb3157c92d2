"""Publish stage: write every output file atomically, or none, even when the process is killed midway.

Each file is written beside its target (``.name.tmp-<pid>``, with the mode of the file it replaces, new
files 0644), flushed and fsynced; every existing target gets a hard-linked backup (``.name.bak-<pid>``).
Only then is a *journal* written (``.kustavi-publish.journal``: which temporary file goes where, which
backup puts back what) and synced, and the files are renamed into place; after the last rename the
journal is removed, which is the moment the new output counts as published, and then the backups.
A file the new output no longer has (``remove``) is switched the same way: backed up, named in the journal
with a temporary file that never exists, and removed after the renames; undoing puts its backup back.

A failure or an interrupt (SIGINT, SIGTERM) between two renames puts the backups back at once. A process
killed outright (SIGKILL, a power cut) cannot: the next publish into the folder, before anything else,
finds the journal and *undoes* the half-done switch (every backup renamed back, every new file removed),
so the folder holds the previous output again, and removes stray temporary files and backups. The output
folder is therefore always all old or all new for anyone who runs ``publish`` or ``recover`` on it; it stays
a plain folder (no symbolic link is switched), as git and static web servers expect. A lock on the folder
(``flock``) keeps two publishes from writing into it at once.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import re
import shutil
import stat
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from kustavi_dcat import interrupts
from kustavi_dcat.errors import OutputError

JOURNAL = ".kustavi-publish.journal"
"""In the output folder while files are being switched (see the module docstring)."""

NEW_FILE_MODE = 0o644
"""The mode of a published file that replaces none (readable by the web server)."""

_STRAY = re.compile(r"\..+\.(tmp|bak)-[0-9]+\Z", re.DOTALL)

Content = bytes | Callable[[BinaryIO], None]
"""A file's bytes, or a function that writes them to an open file (for files too large to hold)."""


def write_atomically(out_dir: Path, files: Mapping[str, Content], remove: Collection[str] = ()) -> list[Path]:
    """Write ``files`` (name -> content) into ``out_dir`` and remove the files named in ``remove`` (those
    that exist), in the same switch; returns the paths written, in name order."""
    _make_folder(out_dir)
    with locked(out_dir):
        _recover(out_dir)
        gone = sorted(name for name in set(remove) - set(files) if (out_dir / name).is_file())
        written = [out_dir / name for name in sorted(files)]
        targets = written + [out_dir / name for name in gone]
        for target in targets:
            if target.exists() and not target.is_file():
                raise OutputError(f"{target}: is not a regular file; move it away (nothing was written)")
        temps = [target.with_name(f".{target.name}.tmp-{os.getpid()}") for target in targets]
        backups = [target.with_name(f".{target.name}.bak-{os.getpid()}") for target in targets]
        kept = _prepare(out_dir, files, targets, temps, backups)
        _swap(out_dir, temps[:len(written)], targets, [b if k else None for b, k in zip(backups, kept, strict=True)])
        try:
            sync_dir(out_dir)
            _remove([out_dir / JOURNAL])  # the new output is published
        except BaseException:  # interrupted before that: the old output, as for any interrupt
            _recover(out_dir)
            raise
        sync_dir(out_dir)
        _remove(backups)
    return written


def _make_folder(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder ({exc.strerror or exc})") from exc
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: not a folder; give another --out")


def _prepare(out_dir: Path, files: Mapping[str, Content], targets: list[Path], temps: list[Path],
             backups: list[Path]) -> list[bool]:
    """Write the temporary files with their modes, keep backups and write the journal; returns which
    targets had a backup kept. Raises (leaving nothing behind) on a failure or a pending interrupt."""
    try:
        made = [(temp, target) for temp, target in zip(temps, targets, strict=True) if target.name in files]
        modes = [_mode_of(target) for _, target in made]
        _write_all([(temp, files[target.name]) for temp, target in made])
        for (temp, _), mode in zip(made, modes, strict=True):
            os.chmod(temp, mode)
        kept = [target.exists() for target in targets]
        for target, backup, keep in zip(targets, backups, kept, strict=True):
            if keep:
                _keep(target, backup)
        interrupts.check()  # an interrupt that something swallowed still stops the publish here
        _write_journal(out_dir, targets, temps, [b if k else None for b, k in zip(backups, kept, strict=True)])
    except OSError as exc:
        _remove(temps + backups + [out_dir / JOURNAL])
        raise OutputError(f"{exc.filename or out_dir}: cannot write ({exc.strerror or exc}); "
                          "the previous output is unchanged") from exc
    except BaseException:  # a writer failed (or the run was interrupted): leave nothing behind
        _remove(temps + backups + [out_dir / JOURNAL])
        raise
    return kept


def _mode_of(target: Path) -> int:
    """The permission bits the published file gets: those of the file it replaces, else 0644."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return NEW_FILE_MODE


def _write_journal(out_dir: Path, targets: list[Path], temps: list[Path], backups: list[Path | None]) -> None:
    """Say on disk, before the first rename, how to undo the switch (names only, all in ``out_dir``)."""
    entries = [{"target": t.name, "temp": n.name, "backup": b.name if b is not None else None}
               for t, n, b in zip(targets, temps, backups, strict=True)]
    data = json.dumps({"journal": 1, "files": entries}).encode("utf-8")
    fd = os.open(out_dir / JOURNAL, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    sync_dir(out_dir)


def recover(out_dir: Path) -> bool:
    """Undo a switch a killed publish left half done, and remove its stray files; True if it found one
    (a journal). A folder that does not exist needs nothing."""
    if not out_dir.is_dir():
        return False
    with locked(out_dir):
        return _recover(out_dir)


def _recover(out_dir: Path) -> bool:
    """``recover`` with the folder already locked: no other publish is writing into it."""
    journal = out_dir / JOURNAL
    try:
        entries = _journal_entries(journal.read_bytes())
    except FileNotFoundError:
        entries = []
    except OSError as exc:
        raise OutputError(f"{journal}: cannot read ({exc.strerror or exc}); remove it if no publish is running"
                          ) from exc
    for target, temp, backup in entries:
        if backup is not None and (out_dir / backup).exists():
            os.replace(out_dir / backup, out_dir / target)  # the old file, whether or not it was replaced
        elif backup is None and not (out_dir / temp).exists():
            (out_dir / target).unlink(missing_ok=True)  # a new file that was renamed into place
    if entries:
        sync_dir(out_dir)
    journal.unlink(missing_ok=True)
    for path in out_dir.iterdir():
        if _STRAY.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)
    sync_dir(out_dir)
    return bool(entries)


def _journal_entries(data: bytes) -> list[tuple[str, str, str | None]]:
    """The (target, temp, backup) names of a journal; none if it is not one this program wrote in full
    (a journal cut short was being written before any rename, so there is nothing to undo)."""
    try:
        files = json.loads(data.decode("utf-8"))["files"]
        entries = [(f["target"], f["temp"], f["backup"]) for f in files]
    except (ValueError, KeyError, TypeError):
        return []
    for entry in entries:
        names = [n for n in entry if n is not None]
        if not all(isinstance(n, str) and n and "/" not in n and n not in (".", "..") for n in names):
            return []
    return entries


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder (waits for another publish into it to finish)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    try:
        fd = os.open(out_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot open the output folder ({exc.strerror or exc})") from exc
    try:
        with suppress(OSError):  # a file system without locks (some network ones): publish unlocked
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _swap(out_dir: Path, temps: list[Path], targets: list[Path], backups: list[Path | None]) -> None:
    """Rename every temporary file onto its target, then remove the targets after them (those without a
    temporary file: their backup puts them back); on a failure, undo what was already done."""
    done: list[int] = []
    try:
        for i, target in enumerate(targets):
            if i < len(temps):
                os.replace(temps[i], target)
            else:
                target.unlink()
            done.append(i)
    except BaseException as exc:  # a failed rename, or an interrupt between two: undo, then say why
        for i in reversed(done):
            backup = backups[i]
            if backup is not None:
                os.replace(backup, targets[i])
            else:
                targets[i].unlink(missing_ok=True)
        _remove(temps + [b for b in backups if b is not None] + [out_dir / JOURNAL])
        sync_dir(out_dir)
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
            write_synced(path, data)
        return
    theirs = streamed[1::2]
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    helper = multiprocessing.get_context("fork").Process(target=_write_in_child, args=(theirs, send), daemon=True)
    helper.start()
    send.close()
    try:
        for path, data in jobs:
            if (path, data) not in theirs:
                write_synced(path, data)
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
    interrupts.in_child()
    try:
        for path, data in jobs:
            write_synced(path, data)
    except BaseException as exc:  # everything is reported to the parent, which raises it
        send.send((getattr(exc, "strerror", None) or str(exc) or type(exc).__name__,
                   str(getattr(exc, "filename", "") or "")))
        return
    send.send(None)


def write_synced(path: Path, data: Content) -> None:
    """Write one temporary file (bytes, or streamed by a writer) and fsync it: every file is on disk
    before any is renamed into place. The one place a file's bytes reach the disk (a test makes it fail
    to check that a failed write leaves the previous output byte for byte)."""
    with open(path, "wb", buffering=1024 * 1024) as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:
            data(handle)
        handle.flush()
        os.fsync(handle.fileno())


def sync_dir(folder: Path) -> None:
    """Make the renames in ``folder`` durable (POSIX); a no-op where folders cannot be opened. Called at
    each step of the switch (a test interrupts one to check that the switch is undone)."""
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
