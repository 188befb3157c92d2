"""Interrupts: Ctrl-C (SIGINT) and SIGTERM stop a publish the same way, and none of them is lost.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the program happens to be; a library that catches
everything (rdflib's store does, with bare ``except:``, while the shapes are parsed) can swallow it, and
the run would go on with half-parsed shapes and publish. So while ``handled()`` is active each signal is
also *recorded*, and ``check()`` raises a recorded one again: the pipeline calls it at every stage and
``publish.write_atomically`` right before its first rename, so nothing is written after an interrupt,
whoever caught the exception. SIGTERM raises ``Terminated`` (a ``KeyboardInterrupt``, so every clean-up
that runs for Ctrl-C runs for it too); the command line exits 130 for SIGINT and 143 for SIGTERM.

A second signal while the first one's exception is on its way is only recorded, so the clean-up (removing
temporary files, undoing renames) is not cut short.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_PENDING: list[int] = []


class Terminated(KeyboardInterrupt):
    """The process was asked to stop with SIGTERM (a service manager, ``kill``, a CI timeout)."""


def _interrupt(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _handler(signum: int, frame: FrameType | None) -> None:
    first = not _PENDING
    _PENDING.append(signum)
    if first:
        raise _interrupt(signum)


@contextmanager
def handled() -> Iterator[None]:
    """Record and raise SIGINT and SIGTERM for the duration (only the main thread can install handlers;
    elsewhere this does nothing); the previous handlers are put back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    _PENDING.clear()
    for s in SIGNALS:
        signal.signal(s, _handler)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _PENDING.clear()


def check() -> None:
    """Raise again an interrupt that arrived earlier (even one whose exception something swallowed)."""
    if _PENDING:
        raise _interrupt(_PENDING[0])


def in_child() -> None:
    """For a forked worker: SIGTERM kills it at once and Ctrl-C is the parent's to handle (it stops the
    workers itself); on Linux the kernel kills it when the parent dies, however the parent died."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _PENDING.clear()
    _die_with_parent()


def _die_with_parent() -> None:
    """prctl(PR_SET_PDEATHSIG, SIGKILL) where the C library offers it; if the parent is already gone (it
    died before the call), exit now."""
    import ctypes
    import os

    parent = os.getppid()
    try:
        prctl = ctypes.CDLL(None).prctl  # the C library the interpreter runs on
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown must do
        return
    pr_set_pdeathsig = 1
    prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
