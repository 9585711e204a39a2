"""Shared fixtures: the committed tiny bundle and one fresh tiny export per test session."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
COMMITTED = ROOT.parent / "models" / "tiny"


@pytest.fixture(scope="session")
def committed_bundle() -> Path:
    assert (COMMITTED / "manifest.json").exists(), "the committed tiny bundle is missing"
    return COMMITTED


@pytest.fixture(scope="session")
def committed_manifest(committed_bundle) -> dict:
    return json.loads((committed_bundle / "manifest.json").read_text())


@pytest.fixture(scope="session")
def fresh_tiny(tmp_path_factory):
    """`python -m export --config tiny` into a temporary folder (all graphs, numeric checks on)."""
    from export.bundle import export_bundle

    out = tmp_path_factory.mktemp("tiny")
    rows = export_bundle("tiny", out, progress=False)
    return out, rows
