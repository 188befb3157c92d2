"""``kustavi-dcat serve`` on synthetic national catalogues: start-up, memory, throughput, and ``validate FILE``.

    python benchmarks/serve.py [--sizes 5000,20000] [--clients 50] [--requests 20] [--work DIR]

For each size, ``tests/support/synth.py`` writes a source tree and ``kustavi-dcat publish`` publishes it
(kept in ``--work`` for the next run). Then, each server in its own process:

- **baseline**: a fresh Python process that imports pyoxigraph and parses ``catalog.nt`` (every triple
  read, nothing kept): what any server must at least do with the files once.
- baseline, cold start and warm start are measured ``--rounds`` times, one after the other in each
  round; the tables show the medians, and each ratio is the median of the rounds' own ratios.
- **cold start**: ``kustavi-dcat serve`` with an empty store folder: time from starting the command to
  the first answer to a dataset IRI (the store is built on the way).
- **warm start**: the same again, the store now reused; then one Hydra page (what every page shares is
  computed in the background from the start, so this shows how long a harvester may wait for it).
- **load**: ``--clients`` threads, each with one keep-alive connection, ``--requests`` requests each, on
  (a) dataset IRIs (a different data set per request, Turtle) and (b) a SPARQL query (a different data
  set's titles per request, JSON): requests per second, p50/p99 latency, errors.
- **memory**: resident set of the server process and of its SPARQL worker processes after the load.

On the smallest size, ``kustavi-dcat validate FILE`` and the ``pyshacl`` command line with the same
shapes on the same Turtle file, wall time from the command's start, CPU time (user and system, the
command's processes), and the number of results each gives; twice, one after the other (medians; the
wall-time ratio is the median of the two rounds' ratios). On a machine shared with other work the CPU
times move less than the wall times.

The client threads run in this process (Python), so the throughput is a floor: on a 2-core machine the
clients and the server share the cores. Prints Markdown tables; nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.synth import write_tree  # noqa: E402

PYTHON = sys.executable
DATASET = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Dataset>"
BASELINE = ("import sys, pyoxigraph as ox; n = sum(1 for _ in ox.parse(path=sys.argv[1], "
            "format=ox.RdfFormat.N_TRIPLES)); print(n)")


def published(n: int, work: Path) -> Path:
    """The published synthetic catalogue of ``n`` datasets (made once, kept in ``work``)."""
    out = work / f"out-{n}"
    if not (out / "catalog.nt").is_file():
        source = work / f"source-{n}"
        write_tree(n, source)
        subprocess.run([PYTHON, "-m", "kustavi_dcat", "publish", "--source", str(source), "--out", str(out), "-q",
                        "--no-cache"], check=True, cwd=ROOT)
    return out


def dataset_paths(out: Path, limit: int = 2000) -> list[str]:
    paths = []
    with (out / "catalog.nt").open(encoding="utf-8") as lines:
        for line in lines:
            if DATASET in line:
                paths.append(urlsplit(line.split(" ", 1)[0].strip("<>")).path)
                if len(paths) == limit:
                    break
    return paths


def baseline(out: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([PYTHON, "-c", BASELINE, str(out / "catalog.nt")], check=True, capture_output=True,
                          text=True)
    return time.perf_counter() - start, int(done.stdout)


class Server:
    """``kustavi-dcat serve`` in its own process, timed from the command's start to the first answer."""

    def __init__(self, out: Path, store: Path, probe: str) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([PYTHON, "-m", "kustavi_dcat", "serve", "--dir", str(out), "--port", "0",
                                      "--quiet", "--store", str(store)], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not found:
            raise RuntimeError(f"serve did not start: {line}{self.proc.stderr.read() if self.proc.stderr else ''}")
        self.port = int(found.group(1))
        while request(self.port, probe)[0] != 200:
            time.sleep(0.01)
        self.first_answer = time.perf_counter() - self.started

    def memory_mib(self) -> tuple[float, float]:
        """Resident set of the server and the sum over its worker processes, MiB."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return _rss(self.proc.pid), sum(_rss(int(pid)) for pid in children)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=30)


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def request(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()


def load(port: int, paths: list[str], headers: dict[str, str], clients: int, each: int) -> dict[str, Any]:
    """``clients`` keep-alive connections, ``each`` requests each, over ``paths`` in turn."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], 0
        for i in range(each):
            path = paths[(number * each + i) % len(paths)]
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                bad += response.status != 200
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {"rps": len(latencies) / wall, "p50": median(latencies) * 1000,
            "p99": latencies[int(0.99 * (len(latencies) - 1))] * 1000, "errors": sum(errors), "n": len(latencies)}


def sparql_paths(paths: list[str], base: str) -> list[str]:
    title = "<http://purl.org/dc/terms/title>"
    return ["/sparql?query=" + quote(f"SELECT ?t WHERE {{ <{base.rstrip('/')}{p}> {title} ?t }}") for p in paths]


def base_of(out: Path) -> str:
    with (out / "catalog.nt").open(encoding="utf-8") as lines:
        first = lines.readline().split(" ", 1)[0].strip("<>")
    parts = urlsplit(first)
    return f"{parts.scheme}://{parts.netloc}"


def serve_size(n: int, work: Path, clients: int, each: int, rounds: int = 3) -> dict[str, Any]:
    out = published(n, work)
    paths = dataset_paths(out)
    store = work / f"store-{n}"
    starts = []
    for _ in range(rounds):  # baseline, cold, warm side by side each round: the machine's speed drifts
        parse_s, triples = baseline(out)
        shutil.rmtree(store, ignore_errors=True)
        cold = Server(out, store, paths[0])
        cold.stop()
        warm = Server(out, store, paths[0])
        warm.stop()
        starts.append((parse_s, cold.first_answer, warm.first_answer))
    parse_s, cold_s, warm_s = (median(r[k] for r in starts) for k in range(3))
    warm = Server(out, store, paths[0])
    try:
        start = time.perf_counter()
        status, _ = request(warm.port, "/catalog?page=2", {"Accept": "text/turtle"})
        first_page = time.perf_counter() - start if status == 200 else float("nan")
        described = load(warm.port, paths, {"Accept": "text/turtle"}, clients, each)
        queried = load(warm.port, sparql_paths(paths, base_of(out)), {"Accept": "application/sparql-results+json"},
                       clients, each)
        main_mib, workers_mib = warm.memory_mib()
    finally:
        warm.stop()
    return {"n": n, "triples": triples, "parse": parse_s, "cold": cold_s, "warm": warm_s,
            "cold_ratio": median(c / p for p, c, _ in starts), "warm_ratio": median(w / p for p, _, w in starts),
            "rounds": starts, "first_page": first_page,
            "described": described, "queried": queried, "main_mib": main_mib, "workers_mib": workers_mib}


def _results(text: str) -> str:
    found = re.search(r"(\d+) violations?, (\d+) warnings?", text) or re.search(r"Results \((\d+)\)", text)
    return " + ".join(found.groups()) if found else "?"


def validate_vs_pyshacl(n: int, work: Path, rounds: int = 2) -> dict[str, Any]:
    from kustavi_dcat.validation.validate import shapes_graph

    ttl = published(n, work) / "catalog.ttl"
    shapes = Path(tempfile.mkdtemp()) / "shapes.ttl"
    shapes_graph().serialize(shapes, format="turtle")
    pairs, cpu = [], []
    for _ in range(rounds):  # ours and pyshacl one after the other each round
        (ours_s, ours_cpu), ours = _timed([PYTHON, "-m", "kustavi_dcat", "validate", str(ttl)])
        (plain_s, plain_cpu), plain = _timed([str(Path(PYTHON).parent / "pyshacl"), "-s", str(shapes), "-sf",
                                              "turtle", "-df", "turtle", "-f", "human", str(ttl)])
        pairs.append((ours_s, plain_s))
        cpu.append((ours_cpu, plain_cpu))
    return {"n": n, "ours": median(o for o, _ in pairs), "plain": median(p for _, p in pairs),
            "ratio": median(p / o for o, p in pairs), "rounds": pairs, "cpu": cpu,
            "ours_cpu": median(o for o, _ in cpu), "plain_cpu": median(p for _, p in cpu),
            "ours_results": _results(ours.stdout), "plain_results": _results(plain.stdout)}


def _timed(command: list[str]) -> tuple[tuple[float, float], subprocess.CompletedProcess[str]]:
    """Wall time and CPU time (user + system) of a command run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime), done


def tables(results: list[dict[str, Any]], check: dict[str, Any] | None) -> str:
    head = "| | " + " | ".join(f"{r['n']:,} datasets ({r['triples']:,} triples)" for r in results) + " |"
    lines = [head, "|---|" + "---|" * len(results)]

    def row(label: str, cell: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    row("baseline: pyoxigraph parses catalog.nt (new process)", lambda r: f"{r['parse']:.2f} s")
    row("**first answer, cold store** (ratio to baseline)", lambda r: f"**{r['cold']:.2f} s** ({r['cold_ratio']:.1f}x)")
    row("**first answer, warm store**", lambda r: f"**{r['warm']:.2f} s** ({r['warm_ratio']:.2f}x)")
    row("first Hydra page asked right after a warm start", lambda r: f"{r['first_page']:.2f} s")
    for key, label in (("described", "dataset IRI, Turtle"), ("queried", "SPARQL query, JSON")):
        row(f"{label}: requests/s", lambda r, k=key: f"{r[k]['rps']:,.0f}")
        row(f"{label}: p50 / p99", lambda r, k=key: f"{r[k]['p50']:.0f} ms / {r[k]['p99']:.0f} ms")
        row(f"{label}: errors", lambda r, k=key: f"{r[k]['errors']} of {r[k]['n']}")
    row("resident memory: server / SPARQL workers", lambda r: f"{r['main_mib']:.0f} MiB / {r['workers_mib']:.0f} MiB")
    text = "\n".join(lines)
    if check is not None:
        text += (f"\n\n| {check['n']:,} datasets, catalog.ttl | wall time | CPU time | "
                 f"results (violations + warnings) |\n"
                 f"|---|---|---|---|\n"
                 f"| `kustavi-dcat validate FILE` | **{check['ours']:.1f} s** | {check['ours_cpu']:.1f} s | "
                 f"{check['ours_results']} |\n"
                 f"| `pyshacl` command line, same shapes | {check['plain']:.1f} s ({check['ratio']:.1f}x ours) | "
                 f"{check['plain_cpu']:.1f} s ({check['plain_cpu'] / check['ours_cpu']:.1f}x ours) | "
                 f"{check['plain_results']} |")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,20000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kustavi-serve-bench")
    parser.add_argument("--rounds", type=int, default=3, help="start-up measurements per size (medians shown)")
    parser.add_argument("--no-validate", action="store_true", help="skip validate FILE vs pyshacl")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = [serve_size(n, args.work, args.clients, args.requests, args.rounds) for n in sizes]
    check = None if args.no_validate else validate_vs_pyshacl(sizes[0], args.work)
    print(tables(results, check))
    print(json.dumps({"serve": results, "validate": check}, default=str), file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
