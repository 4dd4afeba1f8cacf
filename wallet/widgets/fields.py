"""Text fields that honour the app's motion setting (no blinking cursor when it is off)."""

from __future__ import annotations

from textual.widgets import Input


class TextField(Input):
    """An ``Input`` whose cursor stands still when the app runs without animation
    (snapshots in tests, and anyone who prefers a calm screen)."""

    def on_mount(self) -> None:
        if not getattr(self.app, "motion", True):
            self.cursor_blink = False
