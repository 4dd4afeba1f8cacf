"""A selection list whose pick state reads without colour: ``[x]`` picked, ``[ ]`` not.

Textual's own toggle draws the same ``X`` for both states and tells them apart by
colour only, which a colour-blind learner, a monochrome terminal or a screen reader
cannot see.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

PICKED = "[x]"
NOT_PICKED = "[ ]"


class PickList(SelectionList[str]):
    """``SelectionList`` with a textual mark in place of the coloured toggle."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) < 3:
            return strip
        # The first three segments are the toggle (left edge, inner mark, right edge).
        style = segments[1].style
        mark = PICKED if selection.value in self.selected else NOT_PICKED
        return Strip([Segment(mark, style), *segments[3:]], strip.cell_length)
