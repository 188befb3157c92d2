"""Cold-start time of ``kustavi-dcat publish`` on the Kustavi source: the figure the README states.

Runs the real command in fresh processes (median of N; without a record cache, then with a full one),
and the command's start-up alone
(``kustavi-dcat --version``) as the baseline in the same run, so the ratio says what publishing adds
to starting Python and the CLI.

usage: python benchmarks/kustavi_publish.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cold(args: list[str]) -> float:
    """Wall seconds of one fresh ``python -m kustavi_dcat ARGS`` process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kustavi_dcat", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as work:
        out, cache = str(Path(work) / "out"), str(Path(work) / "cache")
        publish = [cold(["publish", "-q", "--out", out, "--no-cache"]) for _ in range(runs)]
        cold(["publish", "-q", "--out", out, "--cache-dir", cache])
        cached = [cold(["publish", "-q", "--out", out, "--cache-dir", cache]) for _ in range(runs)]
    startup = [cold(["--version"]) for _ in range(runs)]
    p, c, s = statistics.median(publish), statistics.median(cached), statistics.median(startup)
    print(f"publish (Kustavi, fresh process, no cache, median of {runs}): {p:.2f} s")
    print(f"publish (Kustavi, fresh process, full record cache):     {c:.2f} s")
    print(f"start-up alone (kustavi-dcat --version):                 {s:.2f} s")
    print(f"publish / start-up: {p / s:.1f}x")


if __name__ == "__main__":
    main()
