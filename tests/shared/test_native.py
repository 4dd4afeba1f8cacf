"""The compiled hot paths (shared.native): loaded when built and current, never when
stale, and giving the same answers as the plain-Python source."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shared import native
from shared.canonical import canonize
from shared.errors import RugzakError
from tests.conftest import VECTORS

ROOT = Path(__file__).resolve().parents[2]


def _can_build() -> bool:
    try:
        importlib.import_module("mypyc")
    except ImportError:
        return False
    return shutil.which("cc") is not None or shutil.which("gcc") is not None


@pytest.mark.skipif(native.PURE_ENV in os.environ, reason="plain Python asked for")
def test_hot_paths_run_compiled_where_they_can_be_built() -> None:
    # `make test` builds them first (make native); on a machine with a C compiler and
    # mypyc, running them as plain Python would be a silent slowdown.
    if not _can_build():
        pytest.skip("no C compiler or mypyc here: plain Python by design")
    assert native.state() == "on"
    for name in native.MODULES:
        module = importlib.import_module(name)
        loaded = Path(module.__file__ or "")
        assert loaded.is_relative_to(ROOT / "shared" / "_native"), name
        assert loaded.suffix == ".so", name


def test_make_rebuilds_when_any_compiled_source_changes() -> None:
    # The Makefile names the sources its native target depends on: every one listed.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(x for x in makefile.splitlines() if x.startswith("NATIVE_SOURCES :="))
    named = set(line.split(":=", 1)[1].split())
    wanted = {str(native.source_file(m).relative_to(ROOT)) for m in native.MODULES}
    assert named == wanted | {"shared/native.py"}


def _fake_build(root: Path) -> Path:
    """A copy of the listed sources and a manifest of them under ``root``."""
    folder = root / "shared" / "_native"
    folder.mkdir(parents=True)
    modules = {}
    for name in native.MODULES:
        source = native.source_file(name, root)
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(f"# {name}\n", encoding="utf-8")
        file = f"{name}.so"
        (folder / file).write_bytes(b"")
        modules[name] = {"file": file, "source": native.digest(source)}
    group = f"{native.GROUP}__mypyc.so"
    (folder / group).write_bytes(b"")
    manifest = {"abi": native._abi(), "group": group, "modules": modules}
    (folder / native.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_current_build_is_planned(tmp_path: Path) -> None:
    folder = _fake_build(tmp_path)
    found = native.plan(tmp_path)
    assert found.why == ""
    assert set(found.files) == {*native.MODULES, f"{native.GROUP}__mypyc"}
    assert all(path.parent == folder for path in found.files.values())


def test_an_edited_source_turns_every_compiled_module_off(tmp_path: Path) -> None:
    _fake_build(tmp_path)
    edited = native.source_file(native.MODULES[-1], tmp_path)
    edited.write_text(edited.read_text(encoding="utf-8") + "x = 1\n", encoding="utf-8")
    found = native.plan(tmp_path)
    assert found.files == {}
    assert f"{native.MODULES[-1]} changed since it was compiled" in found.why


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        ("no manifest", "not built"),
        ("garbled manifest", "cannot be read"),
        ("other python", "another Python"),
        ("other modules", "another set of modules"),
        ("missing file", "missing"),
    ],
)
def test_a_broken_build_is_not_used(tmp_path: Path, damage: str, why: str) -> None:
    folder = _fake_build(tmp_path)
    manifest_file = folder / native.MANIFEST
    manifest: dict[str, Any] = json.loads(manifest_file.read_text(encoding="utf-8"))
    if damage == "no manifest":
        manifest_file.unlink()
    elif damage == "garbled manifest":
        manifest_file.write_text("{", encoding="utf-8")
    elif damage == "other python":
        manifest["abi"] = "cpython-312.cpython-312-x86_64-linux-gnu.so"
        manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    elif damage == "other modules":
        del manifest["modules"][native.MODULES[0]]
        manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    else:
        (folder / manifest["group"]).unlink()
    found = native.plan(tmp_path)
    assert found.files == {}
    assert why in found.why


def _documents() -> list[Path]:
    """Every JSON-LD document among the vectors: credentials, presentations, lists."""
    found = []
    for path in sorted(VECTORS.rglob("*.json")):
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(value, dict) and "@context" in value:
            found.append(path)
    return found


_CANONIZE_ALL = """
import hashlib, json, sys
from shared.canonical import canonize
from shared.errors import RugzakError
out = {}
for name in sys.argv[1:]:
    try:
        text = canonize(json.load(open(name, encoding="utf-8")))
        out[name] = hashlib.sha256(text.encode()).hexdigest()
    except RugzakError as exc:
        out[name] = str(exc.code)
print(json.dumps(out))
"""


def test_compiled_and_plain_python_canonicalize_every_vector_alike() -> None:
    documents = [str(path) for path in _documents()]
    assert len(documents) > 100
    here: dict[str, str] = {}
    for name in documents:
        try:
            text = canonize(json.loads(Path(name).read_text(encoding="utf-8")))
            here[name] = hashlib.sha256(text.encode()).hexdigest()
        except RugzakError as exc:
            here[name] = str(exc.code)
    plain = subprocess.run(
        [sys.executable, "-c", _CANONIZE_ALL, *documents],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, native.PURE_ENV: "1"},
    )
    assert json.loads(plain.stdout) == here
