"""Shared fixtures: the repository's paths, the Kustavi source, and a published copy of it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kustavi_dcat.mapping import Mapped, build
from kustavi_dcat.models import Source
from kustavi_dcat.source.loader import load

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source"
OUTPUT = ROOT / "output"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_11c9b7d8208783e6.txt"


def shared_or_skip(*parts: str) -> Path:
    """A file under ../shared, or skip: the reference material lives beside the checkout, not in it.

    Under CI (``CI=true``) its absence fails the test instead: CI lays ../shared beside the clone, so a
    missing file there means the tests would silently check less than they claim.
    """
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"reference material {path} is absent (../shared is not beside this checkout)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; CI must provide it")
        pytest.skip(reason)
    return path


def seed_path() -> Path:
    """Kustavi's description page as text (the seed), or skip as ``shared_or_skip`` does."""
    return shared_or_skip(*SEED.relative_to(SHARED).parts)


@pytest.fixture(autouse=True)
def _own_user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test has its own user cache folder (``publish`` keeps its record cache there by default),
    never the real ``~/.cache`` of whoever runs the tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))


@pytest.fixture(scope="session")
def kustavi_source() -> Source:
    return load(SOURCE)


@pytest.fixture(scope="session")
def kustavi_mapped(kustavi_source: Source) -> Mapped:
    return build(kustavi_source)


@pytest.fixture()
def source_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the Kustavi source folder, for tests that break one thing in it."""
    target = tmp_path / "source"
    shutil.copytree(SOURCE, target)
    yield target


@pytest.fixture()
def src(source_copy: Path) -> Path:
    """A writable copy of the Kustavi source (the short name the source-problem tests use)."""
    return source_copy


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    """An output folder pre-filled with the real published files, to check a refusal leaves them as they are."""
    folder = tmp_path / "output"
    shutil.copytree(OUTPUT, folder)
    return folder
