"""Independent implementations from the npm registry, for cross-checks.

Each cross-check's packages are pinned in ``tests/node/<name>/``: a ``package.json``
with exact versions and the ``package-lock.json`` that fixes every package below
them, with its integrity hash. ``npm ci`` installs exactly that tree once into
``tests/.node/<name>/`` (gitignored), again only when the lockfile changes, so a
cross-check runs against the same code on every machine and every day. A check skips
cleanly when node or npm is missing or the registry cannot be reached.

To move a cross-check to newer packages: edit the versions in its ``package.json``,
run ``npm install --package-lock-only`` in that folder, and commit both files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
NODE_ROOT = TESTS / ".node"
PINNED = TESTS / "node"
PINNING_FILES = ("package.json", "package-lock.json")

Run = Callable[[dict[str, Any]], dict[str, Any]]


def npm_folder(name: str) -> tuple[str, Path]:
    """``node`` and the folder where ``tests/node/<name>``'s locked packages are
    installed (by ``npm ci``, unless that exact lockfile is installed already)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(f"node and npm are needed for the {name} cross-check")
    pinned = PINNED / name
    files = {f: (pinned / f).read_bytes() for f in PINNING_FILES}
    fingerprint = hashlib.sha256(b"".join(files.values())).hexdigest()
    folder = NODE_ROOT / name
    marker = folder / ".installed"
    if not marker.exists() or marker.read_text("utf-8") != fingerprint:
        folder.mkdir(parents=True, exist_ok=True)
        marker.unlink(missing_ok=True)
        for file, data in files.items():
            (folder / file).write_bytes(data)
        try:
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"could not install the {name} packages from npm: {exc}")
        if done.returncode != 0:
            pytest.skip(f"could not install the {name} packages from npm: {done.stderr[-300:]}")
        marker.write_text(fingerprint, "utf-8")
    return node, folder


def npm_project(name: str, script: str) -> Run:
    """A runner for ``script`` with ``tests/node/<name>``'s packages: it gets a job as
    JSON on stdin and answers JSON on stdout."""
    node, folder = npm_folder(name)
    (folder / "job.mjs").write_text(script)

    def run(job: dict[str, Any]) -> dict[str, Any]:
        done = subprocess.run(
            [node, "job.mjs"],
            cwd=folder,
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        out: dict[str, Any] = json.loads(done.stdout)
        return out

    return run
