"""The issuer's demo runs end to end: init, offer, `serve` over real HTTP, a holder
redeems the offer, the badge verifies, revocation shows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "demo_issuer.py"


@pytest.mark.slow
def test_demo_issuer_awards_and_revokes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("demo_issuer", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    outcome = demo.run(tmp_path)
    assert outcome["verdict"] == "valid"
    assert outcome["after_revocation"] == "invalid"
    assert outcome["credential"]["credentialSubject"]["id"] == outcome["learner"].did
    assert (tmp_path / "offer.png").exists()
    assert (tmp_path / "site" / "status" / "revocation-1").exists()
