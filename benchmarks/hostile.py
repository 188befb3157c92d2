"""What hostile input costs before it is refused: a 1 MiB YAML alias bomb as a source record, and an
RDF/XML "billion laughs" file given to ``validate``.

Each is run as the real command in a fresh process (median of N), with ``kustavi-dcat --version`` as the
baseline in the same run, so the ratio says what refusing adds to starting Python and the CLI. Without
the refusals the alias bomb would ask for tens of gigabytes and the laughs for minutes of CPU.

usage: python benchmarks/hostile.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024

LAUGHS = "".join([
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY a0 "ha">\n',
    *(f'  <!ENTITY a{i} "{f"&a{i - 1};" * 10}">\n' for i in range(1, 10)),
    ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">\n',
    '  <rdf:Description rdf:about="https://example.org/a"><dct:title>&a9;</dct:title></rdf:Description>\n',
    "</rdf:RDF>\n",
])


def alias_bomb() -> bytes:
    """Just under 1 MiB: ten items, ten aliases of them, then as many aliases of those as fit."""
    head = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: ["
    return (head + ", ".join(["*b"] * ((MIB - len(head) - 2) // 4)) + "]\n").encode()


def cold(args: list[str], expect: int) -> float:
    """Wall seconds of one fresh ``python -m kustavi_dcat ARGS`` process, which must exit ``expect``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kustavi_dcat", *args], cwd=ROOT, check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert done.returncode == expect, (args, done.returncode)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "source"
        shutil.copytree(ROOT / "source", source)
        (source / "resources" / "bomb.yaml").write_bytes(alias_bomb())
        laughs = Path(work) / "laughs.rdf"
        laughs.write_text(LAUGHS, "utf-8")
        out = str(Path(work) / "out")
        bomb = [cold(["publish", "-q", "--source", str(source), "--out", out, "--no-cache"], 3) for _ in range(runs)]
        xml = [cold(["validate", str(laughs)], 3) for _ in range(runs)]
    startup = [cold(["--version"], 0) for _ in range(runs)]
    b, x, s = statistics.median(bomb), statistics.median(xml), statistics.median(startup)
    print(f"publish refusing a 1 MiB alias bomb (median of {runs}):  {b:.2f} s")
    print(f"validate refusing a {len(LAUGHS)}-byte billion laughs:       {x:.2f} s")
    print(f"start-up alone (kustavi-dcat --version):           {s:.2f} s")
    print(f"alias bomb / start-up: {b / s:.1f}x; billion laughs / start-up: {x / s:.1f}x")


if __name__ == "__main__":
    main()
