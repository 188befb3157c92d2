"""A synthetic catalogue published as a front page and a page per section, for the page and web tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kustavi_dcat.page import ANCHORS_FILE, split
from kustavi_dcat.pipeline import publish
from tests.support.synth import write_tree


def publish_split(folder: Path, datasets: int) -> Path:
    """Publish ``datasets`` synthetic data sets from ``folder/source`` into ``folder/output`` with the
    single-page threshold lowered to 5 resources, so even a small catalogue gets section pages."""
    write_tree(datasets, folder / "source", per_organisation=12)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(split, "SINGLE_PAGE_MAX_RESOURCES", 5)
        publish(folder / "source", folder / "output")
    assert (folder / "output" / ANCHORS_FILE).is_file()
    return folder / "output"


def anchors_of(out: Path) -> dict[str, str]:
    """``page-anchors.json``'s map: an IRI's path to the page that describes it."""
    found: dict[str, str] = json.loads((out / ANCHORS_FILE).read_bytes())["anchors"]
    return found
