"""Every file's unit: its cache entry where there is one, made where not, on every core when many.

Workers are forked (they share the installed ``worker.JobState``) and run ``worker.make_unit`` on chunks
of files. An interrupted publish (a signal, a worker's exception, a worker killed by the kernel) stops
every worker at once and never waits for the rest of the records (``stop_pool``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from typing import Any

from kustavi_dcat import interrupts
from kustavi_dcat.cache import RecordCache
from kustavi_dcat.errors import WorkerStopped
from kustavi_dcat.models import Source
from kustavi_dcat.records import worker
from kustavi_dcat.records.unit import SourceFile, Unit, check_units, stored_unit, unit_of
from kustavi_dcat.validation import fastvalidate, validate

PARALLEL_MIN_FILES = 48
"""Below this many files to (re)make, one process is faster than starting a pool."""

MAX_WORKERS = 8


def units_of_files(files: list[SourceFile], head: Source, cache: RecordCache, jobs: int | None) -> list[Unit]:
    """Each file's unit: its cache entry where there is one, made (on up to ``jobs`` processes) where not.
    Raises ``HandOver`` for a record that cannot be published on its own (``unit.check_units``)."""
    units: list[Unit | None] = []
    todo: list[int] = []
    for i, item in enumerate(files):
        found = stored_unit(cache.get(item.key), item.key)
        units.append(found)
        if found is None:
            todo.append(i)
    if todo:
        state = worker.JobState(head, fastvalidate.plan(validate.shapes_graph()), validate.shape_texts(), cache)
        with worker.job(state):
            made = make_all([files[i] for i in todo], jobs)
        for i, data in zip(todo, made, strict=True):
            unit = unit_of(data)
            units[i] = unit
            cache.used.add(unit.key)
    done = [u for u in units if u is not None]
    check_units(done)
    return done


def make_all(files: list[SourceFile], jobs: int | None) -> list[bytes]:
    """Every file's summary (``worker.make_unit``), in order; on a pool of forked workers when many."""
    workers = min(jobs or os.cpu_count() or 1, MAX_WORKERS)
    if workers < 2 or len(files) < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return make_units(files)
    size = max(1, len(files) // (workers * 16))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=interrupts.in_child)
    try:
        futures = [pool.submit(make_units, files[i:i + size]) for i in range(0, len(files), size)]
        made = [data for future in futures for data in future.result()]
    except BrokenProcessPool as exc:
        stop_pool(pool)
        interrupts.check()  # the workers died of the SIGTERM sent to the whole process group: say that
        raise WorkerStopped("a worker process stopped before finishing its records (was the system out of "
                            "memory?); nothing was written. Publish again; with --verbose the stages show "
                            "how far it got") from exc
    except BaseException:  # an interrupt, or a worker's exception: stop the others now, not after the queue
        stop_pool(pool)
        raise
    pool.shutdown()
    return made


def make_units(files: list[SourceFile]) -> list[bytes]:
    """``worker.make_unit`` for a chunk of files (one task of a worker process)."""
    return [worker.make_unit(item) for item in files]


@contextmanager
def _no_result_half_sent(pool: ProcessPoolExecutor) -> Iterator[None]:
    """Hold the lock a worker takes to send a result while the workers are killed: a worker killed halfway
    through a result leaves half a message in the pipe, the pool's manager thread waits for the rest
    forever, and so would the shutdown that joins it (the publish would never exit). Waits at most 5 s
    for a result being sent (it is read meanwhile); past that, kills anyway."""
    lock: Any = getattr(getattr(pool, "_result_queue", None), "_wlock", None)
    held = bool(lock is not None and lock.acquire(timeout=5))
    try:
        yield
    finally:
        if held:
            lock.release()


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool at once: every worker killed, then the pool shut down (its manager thread marks the
    queued work failed; cancelling it ourselves races with that thread) and every worker reaped. An
    interrupted publish neither waits for the rest of the records nor leaves a worker behind."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    with _no_result_half_sent(pool):
        for process in processes:
            if process.is_alive():
                process.kill()
    with suppress(RuntimeError):  # its manager thread never started (e.g. out of memory): nothing to stop
        pool.shutdown(wait=True)
    for process in processes:
        process.join()
