"""Compile the modules listed in ``shared.native.MODULES`` with mypyc (``make native``).

The compiled files and a manifest (each source's SHA-256, the Python ABI) go to
``shared/_native``, replaced as a whole only when the build succeeds, so a failed or
interrupted build leaves the previous state. ``shared.native`` loads them only while
every source still matches. Run from anywhere: ``.venv/bin/python scripts/build_native.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ["RUGZAK_PURE_PYTHON"] = "1"  # this process reads the sources, never old builds

from shared import native  # noqa: E402


def build(out: Path) -> dict[str, object]:
    """Build into ``out``; the manifest describing what was built."""
    from mypyc.build import mypycify
    from setuptools import setup

    sources = [str(native.source_file(module)) for module in native.MODULES]
    with tempfile.TemporaryDirectory(prefix="rugzak-native-") as work:
        # setuptools reads a pyproject.toml in the working folder: work elsewhere, and
        # give mypy the project's own settings (the same as `make typecheck`).
        previous = Path.cwd()
        os.chdir(work)
        try:
            extensions = mypycify(
                [f"--config-file={ROOT / 'pyproject.toml'}", *sources],
                group_name=native.GROUP,
                opt_level="3",
                target_dir=str(Path(work) / "c"),
            )
            setup(
                name="rugzak-native",
                ext_modules=extensions,
                script_args=[
                    "--quiet",
                    "build_ext",
                    f"--build-lib={Path(work) / 'lib'}",
                    f"--build-temp={Path(work) / 'temp'}",
                    f"--parallel={os.cpu_count() or 1}",
                ],
            )
        finally:
            os.chdir(previous)
        lib = Path(work) / "lib"
        built = {path.name: path for path in lib.rglob("*.so")}
        group = next(name for name in built if name.startswith(f"{native.GROUP}__mypyc"))
        shutil.copy2(built[group], out / group)
        modules: dict[str, dict[str, str]] = {}
        for module in native.MODULES:
            relative = Path(*module.split("."))
            matches = [
                p for p in lib.rglob(f"{relative.name}.*.so") if p.parent == lib / relative.parent
            ]
            if len(matches) != 1:
                raise SystemExit(f"mypyc built no single file for {module}: {matches}")
            name = f"{module}{matches[0].name[len(relative.name) :]}"
            shutil.copy2(matches[0], out / name)
            modules[module] = {"file": name, "source": native.digest(native.source_file(module))}
    return {"abi": native._abi(), "group": group, "modules": modules}


def main() -> int:
    try:
        import mypyc  # noqa: F401  (part of mypy, in the test extra)
    except ImportError:
        print("mypyc is not installed: the hot paths stay plain Python (verification is slower)")
        return 0
    target = ROOT / "shared" / "_native"
    fresh = Path(tempfile.mkdtemp(prefix="_native.", dir=target.parent))
    try:
        manifest = build(fresh)
        (fresh / native.MANIFEST).write_text(
            json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
        )
        old = target.with_name(f"{fresh.name}.old")
        with contextlib.suppress(FileNotFoundError):
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    print(f"compiled {len(native.MODULES)} modules into {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
