"""Many resource files: reading one must not cost a memory mapping that outlives the read.

Each record file used to be read into a buffer of the 1 MiB size limit, which the C library serves with
a memory mapping of its own; shrunk to the file's size, the buffer stayed a separate mapping for as long
as its bytes were kept. At some 65,000 files a publish hit ``vm.max_map_count`` and never exited. The
100,000-file publish itself is measured outside the suite (docs/cache-and-publishing.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kustavi_dcat.errors import Problem
from kustavi_dcat.source import loader

MAPS = Path("/proc/self/maps")


def _mappings() -> int:
    return len(MAPS.read_text().splitlines())


@pytest.mark.skipif(not MAPS.exists(), reason="counting memory mappings needs Linux's /proc")
def test_reading_many_record_files_keeps_no_mapping_per_file(tmp_path: Path) -> None:
    paths = []
    for i in range(500):
        path = tmp_path / f"r{i:04d}.yaml"
        path.write_text(f"id: r{i}\ntitle:\n  fi: \"Tietovaranto {i}\"\n", "utf-8")
        paths.append(path)
    problems: list[Problem] = []
    before = _mappings()
    kept = [loader.file_bytes(path, problems) for path in paths]  # kept, as a publish keeps them
    assert problems == []
    assert all(data is not None and data.startswith(b"id: r") for data in kept)
    assert _mappings() - before < 50  # was one per file


def test_a_file_that_grows_after_stat_is_still_refused_over_the_limit(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The read asks for the size stat gave and one byte more; a file that grew past the limit meanwhile is
    refused, not cut short."""
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * (loader.MAX_FILE_BYTES + 10))
    real_stat = Path.stat

    def small_stat(self: Path, *args: object, **kwargs: object) -> object:
        info = real_stat(self, *args, **kwargs)  # type: ignore[arg-type]
        if self == path:
            return type("S", (), {"st_mode": info.st_mode, "st_size": 10})()
        return info

    monkeypatch.setattr(Path, "stat", small_stat)
    problems: list[Problem] = []
    assert loader.file_bytes(path, problems) is None
    assert "larger than" in problems[0].message
