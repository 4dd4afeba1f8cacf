"""An issuer process ends without noise on stderr."""

from __future__ import annotations

import subprocess
import sys


def test_a_frozen_collector_leaves_no_leak_warnings_at_exit() -> None:
    """Issuing calls ``gc.freeze()`` once warm (``issuer.service.awarding``). A
    zxing-cpp object held at module level then outlived the interpreter's teardown,
    and nanobind printed about 60 lines of "leaked" warnings when ``rugzak-issuer
    serve`` or a batch ended."""
    code = (
        "import gc\n"
        "import issuer.service\n"
        "from shared import qr\n"
        "assert qr.read_qr_image(qr.render_png(qr.encode({'a': 1})[0]))\n"
        "gc.collect()\n"
        "gc.freeze()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "nanobind" not in done.stderr
    assert "leaked" not in done.stderr
