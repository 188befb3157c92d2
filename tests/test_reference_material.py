"""Tests that read ../shared skip with a reason outside CI, and fail under CI, where it must be present."""

from __future__ import annotations

import pytest

from tests.conftest import shared_or_skip


def test_absent_reference_material_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is absent"):
        shared_or_skip("no-such-folder", "no-such-file.ttl")


def test_absent_reference_material_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must provide it"):
        shared_or_skip("no-such-folder", "no-such-file.ttl")
