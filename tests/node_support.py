"""Independent implementations from the npm registry, for cross-checks.

Each cross-check installs its packages once into ``tests/.node/<name>/`` (gitignored)
and skips cleanly when node or npm is missing or the registry cannot be reached.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NODE_ROOT = Path(__file__).resolve().parent / ".node"

Run = Callable[[dict[str, Any]], dict[str, Any]]


def npm_project(name: str, packages: tuple[str, ...], script: str) -> Run:
    """Install ``packages`` (pinned ``name@version``) and return a runner for ``script``:
    it gets a job as JSON on stdin and answers JSON on stdout."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(f"node and npm are needed for the {name} cross-check")
    folder = NODE_ROOT / name
    installed = all(
        (folder / "node_modules" / p.rsplit("@", 1)[0] / "package.json").exists() for p in packages
    )
    if not installed:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text('{"private": true, "type": "module"}\n')
        try:
            subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--silent", *packages],
                cwd=folder,
                check=True,
                capture_output=True,
                timeout=240,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"could not install {', '.join(packages)} from npm: {exc}")
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
