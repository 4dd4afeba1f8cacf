"""What a person is shown: a badge read for people, and a verdict in plain states.

- :mod:`shared.showing.badge`: :func:`badge_view`, the parts of a credential an
  employer reads (image, level and its behaviours, criteria, evidence, the learner's
  name), taken from the credential itself.
- :mod:`shared.showing.results`: :func:`results_of`, every result (grade, score,
  level, status) as a line in each language, from any OB 3.0 tool's badge; its parts
  in no language to keep, worded when shown (``result_parts``, ``result_lines``).
- :mod:`shared.showing.narrative`: the safe Markdown subset of criteria and
  evidence narratives, which every app renders.
- :mod:`shared.showing.verdict`: :func:`plain_verdict`, one state per badge, one
  status, how a presentation was bound to its request, and the headline counts;
  :func:`form_text`, what another tool's badge was read from, in an app's words.
- :mod:`shared.showing.reasons`: the reasons and notes a person reads beside a
  verdict, each once (:func:`badge_reasons`, :func:`presentation_reasons`), and the
  checks that found nothing (:func:`passed_checks`).
- :mod:`shared.showing.dates`: :func:`date_text`, a date as people read it in their
  language ("23 november 2026"), for the wallet and the public badge page.

The states are stable words (``revoked``, ``unbound``, ...); each app says them in
its own language. Nothing here decides validity: the checks do that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.lazy import lazy_exports

if TYPE_CHECKING:
    from shared.showing.badge import badge_view
    from shared.showing.reasons import badge_reasons, passed_checks, presentation_reasons
    from shared.showing.verdict import form_text, plain_verdict

# Imported on first use: the wallet's start-up reads only ``shared.showing.dates``,
# and the badge view pulls in the OB models and skills (about half a second).
_HOMES = {
    "badge_view": "shared.showing.badge",
    "badge_reasons": "shared.showing.reasons",
    "passed_checks": "shared.showing.reasons",
    "presentation_reasons": "shared.showing.reasons",
    "form_text": "shared.showing.verdict",
    "plain_verdict": "shared.showing.verdict",
}
__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "badge_reasons",
    "badge_view",
    "form_text",
    "passed_checks",
    "plain_verdict",
    "presentation_reasons",
]
