"""Publish synthetic national catalogues of growing size; report time, CPU, memory and triples/s per stage.

    python benchmarks/scale.py [--sizes 1000,5000,20000,100000] [--baseline-max 5000]
                               [--stages-max 20000] [--work DIR]

For each size, ``tests/support/synth.py`` writes the source tree, then, each in a fresh process:

1. **publish**: ``kustavi-dcat publish`` as a steward runs it, with an empty record cache: wall and CPU
   time (main process and workers), peak memory (the proportional set size of all its processes together,
   sampled every 50 ms; and each one's peak resident set), the time of
   each stage the command reports, triples per second. Then a republish with nothing changed, a
   republish after editing one title (its files compared byte for byte with a cold publish of the
   edited source), each with the records it found in the cache (a republish whose package code changed
   since the publish before it is marked: every cache key includes the code's fingerprint), and a source
   with one broken record among the others (refused, and named).
2. **records** (sizes up to ``--stages-max``): the record path's own stages summed over every record in
   one process (read, map, validate, render: what the workers share between them), and the catalogue
   level.
3. **whole graph vs plain** (sizes up to ``--baseline-max``): the same graph validated by the compiled
   shapes and by pyshacl with the same shapes, and written by the project's writers and by rdflib's and
   pyld's, as ratios measured in the same process; and whether the two validation reports are equal.

Prints Markdown tables. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.baselines import PLAIN_WRITERS  # noqa: E402
from tests.support.synth import write_tree  # noqa: E402


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# -- memory -------------------------------------------------------------------------------------------

class TreeMemory(threading.Thread):
    """The peak proportional set size (PSS) of this process and every process it started, sampled.

    Worker processes are forked: right after a fork they share all their pages with the parent, and the
    usual peak resident set size (``ru_maxrss``) counts such a page once per process. PSS divides each
    shared page between the processes that map it, so the sum over the tree is the memory really used.
    Linux only (``/proc``); elsewhere the peak stays 0.
    """

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.peak_kib = max(self.peak_kib, self.sample())

    def stop(self) -> float:
        self.done.set()
        self.join()
        self.peak_kib = max(self.peak_kib, self.sample())
        return self.peak_kib / 1024

    @staticmethod
    def sample() -> int:
        root = os.getpid()
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                        parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        tree, todo = {root}, [root]
        while todo:
            pid = todo.pop()
            for child, parent in parents.items():
                if parent == pid and child not in tree:
                    tree.add(child)
                    todo.append(child)
        total = 0
        for pid in tree:
            try:
                with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                    total += next((int(line.split()[1]) for line in handle if line.startswith("Pss:")), 0)
            except OSError:
                continue
        return total


# -- 1. publish, in the process this is run in (called in a fresh one per run) --------------------------

def publish_once(source: Path, out: Path, cache: Path | None) -> dict[str, Any]:
    """One publish as the CLI runs it; stage times from its progress callback."""
    from kustavi_dcat import pipeline

    stages: dict[str, float] = {}
    last: list[Any] = [time.perf_counter(), None]

    def step(stage: str) -> None:
        now = time.perf_counter()
        if last[1] is not None:
            stages[last[1]] = now - last[0]
        last[0], last[1] = now, stage

    memory = TreeMemory()
    memory.start()
    wall, cpu = time.perf_counter(), _cpu()
    outcome = "published"
    counts: dict[str, int] = {}
    try:
        report = pipeline.publish(source, out, step, cache_dir=cache)
        counts = {"triples": report.counts.triples, "datasets": report.counts.datasets,
                  "records": report.records, "reused": report.reused}
        if report.whole_graph is not None:
            outcome = f"published (whole graph: {report.whole_graph})"
    except pipeline.CatalogInvalid as refused:
        named = sorted({r.origin.file for r in refused.report.violations if r.origin is not None})
        outcome = f"refused: {len(refused.report.violations)} violations in {', '.join(Path(n).name for n in named)}"
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return {
        "wall": wall, "cpu": cpu, "stages": stages, "outcome": outcome, **counts, "pss_mib": memory.stop(),
        "main_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "jobs": min(os.cpu_count() or 1, 8),
    }


def _fresh(*args: str) -> dict[str, Any]:
    """Run this script with ``args`` in a new Python process; its last output line is JSON."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _same_files(one: Path, two: Path) -> bool:
    names = sorted(p.name for p in one.iterdir() if not p.name.startswith("."))
    return names == sorted(p.name for p in two.iterdir() if not p.name.startswith(".")) and all(
        (one / n).read_bytes() == (two / n).read_bytes() for n in names)


def _edit_one_title(source: Path) -> Path:
    """Change one title in the middle resource file, as a steward's edit would."""
    files = sorted((source / "resources").glob("*.yaml"))
    path = files[len(files) // 2]
    text = path.read_text("utf-8")
    assert '  fi: "' in text
    path.write_text(text.replace('  fi: "', '  fi: "Muokattu ', 1), "utf-8")
    return path


def command(source: Path, out: Path, cache: Path) -> dict[str, Any]:
    """Wall time of ``kustavi-dcat publish -v`` in a fresh process, start-up included, as a steward sees it."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kustavi_dcat", "publish", "-v", "--source", str(source),
                           "--out", str(out), "--cache-dir", str(cache)], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    wall = time.perf_counter() - started
    load = next(line for line in done.stderr.splitlines() if line.startswith("load"))
    records, reused = (int(word.replace(",", "")) for word in load.split()[3:6:2])  # "N records, M of them ..."
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]  # e.g. a temporary cache
    return {"wall": wall, "records": records, "reused": reused, "warnings": warnings, "code": code_now()}


def code_now() -> str:
    """The fingerprint of the package the publishes run, read afresh (``cache.code_fingerprint``). It is
    in every record cache key: a file of the package saved while the benchmark runs (even a blank line)
    makes the next republish find none of the records the publish before it stored."""
    from kustavi_dcat import cache

    cache.code_fingerprint.cache_clear()
    return cache.code_fingerprint()


def publishes(n: int, work: Path) -> dict[str, Any]:
    source, cache = work / f"source-{n}", work / f"cache-{n}"
    shutil.rmtree(cache, ignore_errors=True)
    code = code_now()
    cold = _fresh("--publish-one", str(source), str(work / f"out-{n}"), str(cache))
    again = command(source, work / f"out-{n}", cache)
    edited = _edit_one_title(source)
    after = command(source, work / f"out-{n}", cache)
    _fresh("--publish-one", str(source), str(work / f"reference-{n}"), "")
    same = _same_files(work / f"out-{n}", work / f"reference-{n}")
    broken = work / f"broken-{n}"
    write_tree(n, broken, broken=1)
    refused = _fresh("--publish-one", str(broken), str(work / f"refused-{n}"), "")
    write_tree(n, source)  # undo the edit
    return {"n": n, "cold": cold, "again": again, "after": after, "edited": edited.name, "same": same,
            "refused": refused, "code": code}


# -- 2. the record path's stages, in one process ------------------------------------------------------

def record_stages(n: int, work: Path) -> dict[str, Any]:
    from kustavi_dcat.cache import RecordCache
    from kustavi_dcat.models import Source
    from kustavi_dcat.records import worker
    from kustavi_dcat.source import loader
    from kustavi_dcat.validation import fastvalidate, validate

    source = work / f"source-{n}"
    files, _ = loader.resource_files(source)
    head = loader.read_catalog(source / "catalog.yaml", (source / "catalog.yaml").read_bytes())
    assert isinstance(head.record, dict)
    shared = Source(resources=(), **head.record)
    state = worker.JobState(shared, fastvalidate.plan(validate.shapes_graph()), validate.shape_texts(),
                            RecordCache(work / "unused"))
    with worker.job(state):
        return _timed_stages(n, files, shared)


def _timed_stages(n: int, files: list[Path], shared: Any) -> dict[str, Any]:
    """Each record read, mapped, validated and rendered as a worker does (``worker.make_unit``), timed."""
    from kustavi_dcat.mapping import resource_members
    from kustavi_dcat.mapping.context import Context
    from kustavi_dcat.records import worker
    from kustavi_dcat.records.unit import Unit
    from kustavi_dcat.source import loader

    gc.disable()
    took = {"read": 0.0, "map": 0.0, "validate": 0.0, "render": 0.0}
    triples = 0
    for path in files:
        data = path.read_bytes()
        t0 = time.perf_counter()
        read = loader.read_resource(str(path), data)
        t1 = time.perf_counter()
        ctx = Context(shared)
        resource_members(ctx, read.record)  # type: ignore[arg-type]
        owned = worker.owned_nodes(ctx, str(path))
        unit = Unit(str(path), "", ok=True)
        t2 = time.perf_counter()
        worker.validate_owned(unit, ctx.graph, owned, ctx.origins)
        t3 = time.perf_counter()
        worker.render_owned(unit, ctx.graph, owned)
        t4 = time.perf_counter()
        took["read"] += t1 - t0
        took["map"] += t2 - t1
        took["validate"] += t3 - t2
        took["render"] += t4 - t3
        triples += len(ctx.graph)
    return {"n": n, "stages": took, "triples": triples, "records": len(files)}


# -- 3. whole graph: ours against the plain baseline -----------------------------------------------------

def whole_vs_plain(n: int, work: Path) -> dict[str, Any]:
    from kustavi_dcat.pipeline import map_source
    from kustavi_dcat.rdf import serialise
    from kustavi_dcat.validation import fastvalidate
    from kustavi_dcat.validation.validate import validate_graph

    mapped = map_source(work / f"source-{n}")
    graph = mapped.graph  # built before any clock starts
    gc.disable()
    rows: dict[str, tuple[float, float]] = {}

    def timed(run: Any) -> tuple[float, Any]:
        start = time.perf_counter()
        value = run()
        return time.perf_counter() - start, value

    fast_s, fast = timed(lambda: fastvalidate.validate_fast(mapped.triples, mapped.origins))
    plain_s, plain = timed(lambda: validate_graph(graph, mapped.origins))
    rows["validate"] = (fast_s, plain_s)
    for name, write in serialise.WRITERS.items():
        ours, mine = timed(lambda w=write: w(mapped.triples))
        theirs, other = timed(lambda w=PLAIN_WRITERS[name]: w(graph))
        assert mine == other or name == "catalog.ttl", name  # rdflib orders Turtle subjects its own way
        rows[f"serialise {name}"] = (ours, theirs)
    return {"n": n, "rows": rows, "same_report": fast == plain, "triples": len(mapped.triples)}


# -- tables ----------------------------------------------------------------------------------------------

def _mib(r: dict[str, Any]) -> str:
    return (f"**{r['pss_mib']:,.0f} MiB** (main process {r['main_mib']:,.0f} MiB; largest child "
            f"{r['worker_mib']:,.0f} MiB, mostly pages shared with the main process)")


def _reuse(r: dict[str, Any], code_before: str, run: dict[str, Any]) -> str:
    """How many records a republish found in the cache, and what made it find fewer than it could: the
    package's code changed since the publish before it, or the cache could not be used (a warning)."""
    said = f"{run['reused']:,} of {run['records']:,} records from the cache"
    if run["code"] != code_before:
        said += "; NOT comparable: the package's code changed since the publish before it"
    return "; ".join([said, *run["warnings"]])


def publish_table(results: list[dict[str, Any]]) -> str:
    head = "| | " + " | ".join(f"{r['n']:,} datasets" for r in results) + " |"
    lines = [head, "|---|" + "---|" * len(results)]

    def row(label: str, cell: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    row("**publish, empty cache**", lambda r: f"**{r['cold']['wall']:.1f} s** (cpu {r['cold']['cpu']:.1f} s)")
    for stage in ("load", "map", "validate", "serialise", "write"):
        row(f"  {stage}", lambda r, s=stage: f"{r['cold']['stages'].get(s, 0.0):.2f} s")
    row("per dataset", lambda r: f"{r['cold']['wall'] / r['n'] * 1000:.2f} ms")
    row("triples (per second)",
        lambda r: f"{r['cold']['triples']:,} ({r['cold']['triples'] / r['cold']['wall'] / 1000:,.0f}k/s)")
    row("peak memory, all processes (PSS)", lambda r: _mib(r["cold"]))
    row("republish, nothing changed (the command)", lambda r: (f"{r['again']['wall']:.2f} s "
                                                           f"({_reuse(r, r['code'], r['again'])})"))
    row("republish after editing one title (the command)", lambda r: (f"**{r['after']['wall']:.2f} s** "
                                                        f"({_reuse(r, r['again']['code'], r['after'])}; "
                                                        f"same bytes as a cold publish: "
                                                        f"{'yes' if r['same'] else 'NO'})"))
    row("one broken record among them", lambda r: f"{r['refused']['outcome']} ({r['refused']['wall']:.1f} s)")
    return "\n".join(lines)


def records_table(results: list[dict[str, Any]]) -> str:
    lines = ["| cpu, summed over records | " + " | ".join(f"{r['n']:,} datasets" for r in results) + " |",
             "|---|" + "---|" * len(results)]
    for stage in ("read", "map", "validate", "render"):
        lines.append(f"| {stage} | " + " | ".join(
            f"{r['stages'][stage]:.2f} s ({r['triples'] / r['stages'][stage] / 1000:,.0f}k t/s)"
            for r in results) + " |")
    lines.append("| per dataset | " + " | ".join(
        f"{sum(r['stages'].values()) / r['n'] * 1000:.2f} ms" for r in results) + " |")
    return "\n".join(lines)


def plain_table(results: list[dict[str, Any]]) -> str:
    lines = ["| whole graph | " + " | ".join(f"{r['n']:,} datasets" for r in results) + " |",
             "|---|" + "---|" * len(results)]
    for label in results[0]["rows"]:
        lines.append(f"| {label} | " + " | ".join(
            f"{r['rows'][label][0]:.2f} s; plain {r['rows'][label][1]:.2f} s = "
            f"**{r['rows'][label][1] / r['rows'][label][0]:.1f}x**" for r in results) + " |")
    lines.append("| same report as pyshacl | " + " | ".join("yes" if r["same_report"] else "NO" for r in results)
                 + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000,100000")
    parser.add_argument("--baseline-max", type=int, default=5000, help="largest size the plain baseline runs on")
    parser.add_argument("--stages-max", type=int, default=20000, help="largest size the record stages run on")
    parser.add_argument("--work", type=Path, default=None, help="folder for sources and outputs (default: temp)")
    parser.add_argument("--publish-one", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--records-one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--plain-one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.publish_one:
        source, out, cache = args.publish_one
        print(json.dumps(publish_once(Path(source), Path(out), Path(cache) if cache else None)))
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="kustavi-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.records_one:
        print(json.dumps(record_stages(args.records_one, work)))
        return 0
    if args.plain_one:
        print(json.dumps(whole_vs_plain(args.plain_one, work)))
        return 0
    sizes = [int(x) for x in args.sizes.split(",")]
    published, records, plain = [], [], []
    for n in sizes:
        write_tree(n, work / f"source-{n}")
        published.append(publishes(n, work))
        if n <= args.stages_max:
            records.append(_fresh("--records-one", str(n), "--work", str(work)))
        if n <= args.baseline_max:
            plain.append(_fresh("--plain-one", str(n), "--work", str(work)))
        print(f"measured {n:,} datasets", file=sys.stderr)
    print(publish_table(published))
    if records:
        print()
        print(records_table(records))
    if plain:
        print()
        print(plain_table(plain))
    return 0


if __name__ == "__main__":
    sys.exit(main())
