"""Translating bindings: BINDINGS hold catalog keys as descriptions; each instance swaps
in the sentence of its language so the footer speaks the learner's language."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from wallet.i18n import EN, Translator


def translate_bindings(node: DOMNode, t: Translator) -> None:
    """Replace catalog-key descriptions of ``node``'s bindings with translated text."""
    table = node._bindings.key_to_bindings
    for key, bindings in list(table.items()):
        table[key] = [
            replace(b, description=t(b.description)) if b.description in EN else b for b in bindings
        ]
