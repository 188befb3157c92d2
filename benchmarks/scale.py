"""Publish synthetic catalogues of growing size and report time, CPU, memory and triples/s per stage.

    python benchmarks/scale.py [--sizes 1000,5000,20000,100000] [--baseline-max 5000] [--work DIR]

Each size runs in a fresh process (so peak memory is that size's own): the source tree is written by
``benchmarks/synth.py``, then every stage of ``kustavi-dcat publish`` is timed on its own (load, map,
validate, serialise per format, write), and, where the size is at most ``--baseline-max``, the plain
baseline in the same run: whole-graph pyshacl with the same shapes (``validate.validate_graph``) and the
pyld / rdflib writers (``serialise.PLAIN_WRITERS``). The last lines check the fast report equals
pyshacl's (where the baseline ran). ``--publish`` also times whole publishes in fresh processes: with an
empty cache, a republish unchanged, a republish after editing one record (checked byte for byte against a
cold publish of the edited source) and a source with a broken record. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

T = TypeVar("T")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(rows: list[dict[str, Any]], stage: str, triples: int, run: Callable[[], T]) -> T:
    wall, cpu = time.perf_counter(), _cpu()
    value = run()
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    rows.append({"stage": stage, "wall": wall, "cpu": cpu, "triples_per_s": triples / wall if wall else 0.0})
    return value


def one(n: int, work: Path, baseline: bool) -> dict[str, Any]:
    """Measure one size in this process; returns rows and totals as JSON-ready data."""
    from benchmarks.synth import write_tree
    from kustavi_dcat import fastvalidate, serialise
    from kustavi_dcat.loader import load
    from kustavi_dcat.mapping import build
    from kustavi_dcat.publish import write_atomically
    from kustavi_dcat.validate import validate_graph

    source, out = work / f"source-{n}", work / f"output-{n}"
    write_tree(n, source)
    gc.disable()  # as publish runs its stages (pipeline.without_cycle_collection)
    rows: list[dict[str, Any]] = []
    records = _timed(rows, "load", 0, lambda: load(source))
    mapped = _timed(rows, "map", 0, lambda: build(records))
    triples = len(mapped.triples)
    for row in rows:
        row["triples_per_s"] = triples / row["wall"]
    report = _timed(rows, "validate", triples, lambda: fastvalidate.validate_fast(mapped.triples, mapped.origins))
    data = _timed(rows, "serialise: sort (shared)", triples, lambda: serialise.Sorted.of(mapped.triples))
    files = {name: _timed(rows, f"serialise: {name}", triples, lambda w=write: w(data))  # type: ignore[misc]
             for name, write in serialise.WRITERS.items()}
    _timed(rows, "write", triples, lambda: write_atomically(out, files))
    total = {"wall": sum(r["wall"] for r in rows), "cpu": sum(r["cpu"] for r in rows)}
    base: dict[str, float] = {}
    same_report = None
    if baseline:
        plain_rows: list[dict[str, Any]] = []
        assert len(mapped.graph) == triples  # the plain baseline's rdflib graph, built before its clock starts
        plain = _timed(plain_rows, "validate", triples, lambda: validate_graph(mapped.graph, mapped.origins))
        same_report = sorted(plain.results) == sorted(report.results)
        for name, write in serialise.PLAIN_WRITERS.items():
            _timed(plain_rows, f"serialise: {name}", triples, lambda w=write: w(mapped.graph))  # type: ignore[misc]
        base = {r["stage"]: r["wall"] for r in plain_rows}
    return {
        "n": n, "triples": triples, "rows": rows, "total": total, "baseline": base, "same_report": same_report,
        "violations": len(report.violations), "warnings": len(report.warnings),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "bytes": {name: len(b) for name, b in files.items()},
    }


def publish_time(source: Path, out: Path, *options: str) -> tuple[float, str]:
    """Wall time of a whole ``publish`` (fresh process, as a steward runs it) and how it ended."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "kustavi_dcat", "publish", "--source", str(source), "--out", str(out),
               *options]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    return time.perf_counter() - started, f"exit {done.returncode}"


def edit_one_record(source: Path) -> Path:
    """Change one title in the middle resource file, as a steward's edit would."""
    files = sorted((source / "resources").glob("*.yaml"))
    path = files[len(files) // 2]
    text = path.read_text("utf-8")
    assert '  fi: "' in text
    path.write_text(text.replace('  fi: "', '  fi: "Muokattu ', 1), "utf-8")
    return path


def same_files(one: Path, two: Path) -> bool:
    names = sorted(p.name for p in one.iterdir() if not p.name.startswith("."))
    return names == sorted(p.name for p in two.iterdir() if not p.name.startswith(".")) and all(
        (one / n).read_bytes() == (two / n).read_bytes() for n in names)


def table(results: list[dict[str, Any]]) -> str:
    sizes = [r["n"] for r in results]
    lines = ["| stage | " + " | ".join(f"{n:,} datasets" for n in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    stages = [row["stage"] for row in results[0]["rows"]]
    for i, stage in enumerate(stages):
        cells = []
        for r in results:
            row = r["rows"][i]
            cell = f"{row['wall']:.2f} s (cpu {row['cpu']:.2f} s, {row['triples_per_s'] / 1000:,.0f}k t/s)"
            plain_key = stage.replace("serialise: sort (shared)", "")
            if plain_key in r["baseline"]:
                cell += f"; plain {r['baseline'][plain_key]:.2f} s = {r['baseline'][plain_key] / row['wall']:.0f}x"
            cells.append(cell)
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines.append("| **total (stages)** | " + " | ".join(
        f"**{r['total']['wall']:.2f} s** (cpu {r['total']['cpu']:.2f} s)" for r in results) + " |")
    lines.append("| per dataset | " + " | ".join(f"{r['total']['wall'] / r['n'] * 1000:.2f} ms" for r in results)
                 + " |")
    lines.append("| peak memory | " + " | ".join(f"{r['peak_mib']:,.0f} MiB" for r in results) + " |")
    lines.append("| triples | " + " | ".join(f"{r['triples']:,}" for r in results) + " |")
    lines.append("| results (violations / warnings) | " + " | ".join(
        f"{r['violations']} / {r['warnings']}" + ("" if r["same_report"] is None else
                                                  (", = pyshacl" if r["same_report"] else ", DIFFERS from pyshacl"))
        for r in results) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000,100000")
    parser.add_argument("--baseline-max", type=int, default=5000, help="largest size the plain baseline runs on")
    parser.add_argument("--work", type=Path, default=None, help="folder for sources and outputs (default: temp)")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--publish", action="store_true", help="also time whole publishes, a republish, a broken one")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kustavi-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.one is not None:
        print(json.dumps(one(args.one, work, args.baseline)))
        return 0
    results = []
    for n in (int(x) for x in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--one", str(n), "--work", str(work)]
        if n <= args.baseline_max:
            cmd.append("--baseline")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"measured {n:,} datasets", file=sys.stderr)
    print(table(results))
    if args.publish:
        import shutil

        from benchmarks.synth import write_tree

        for r in results:
            n = r["n"]
            source, out, cache = work / f"source-{n}", work / f"publish-{n}", work / f"cache-{n}"
            shutil.rmtree(cache, ignore_errors=True)
            first, how = publish_time(source, out, "--cache-dir", str(cache))
            again, how2 = publish_time(source, out, "--cache-dir", str(cache))
            edited = edit_one_record(source)
            changed, how4 = publish_time(source, out, "--cache-dir", str(cache))
            cold, how5 = publish_time(source, work / f"cold-{n}", "--no-cache")
            same = same_files(out, work / f"cold-{n}")
            broken = work / f"broken-{n}"
            write_tree(n, broken, broken=1)
            refused, how3 = publish_time(broken, work / f"refused-{n}", "--no-cache")
            write_tree(n, source)  # undo the edit
            print(f"- {n:,} datasets: publish {first:.1f} s ({how}, empty cache); republish unchanged "
                  f"{again:.1f} s ({how2}); after editing {edited.name}: republish {changed:.1f} s ({how4}), "
                  f"cold publish {cold:.1f} s ({how5}), same bytes: {same}; one broken record refused in "
                  f"{refused:.1f} s ({how3})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
