"""The verifier says in plain words which parts of a selectively disclosed badge were
not shown: in its API result (``summary.hidden``) and in the CLI."""

from __future__ import annotations

from rich.console import Console

from shared.credentials import create_presentation, verify_presentation
from shared.ob.disclosure import disclose_hiding
from tests.wallet.helpers import HOLDER_KEY, NOW
from tests.wallet.sd_badges import sd_badge, sd_resolver, sd_status
from verifier.cli.output import print_result
from verifier.service.verifier import result_dict

DOMAIN = "https://werken.zorggroep-oost.example"


def test_the_cli_and_the_api_say_what_was_not_shown() -> None:
    shown = disclose_hiding(sd_badge(HOLDER_KEY.did), {"evidence", "image"})
    vp = create_presentation(
        [shown], HOLDER_KEY, challenge="K7QM3XHD9RTPW2B5", domain=DOMAIN, created=NOW
    )
    result = verify_presentation(
        vp,
        challenge="K7QM3XHD9RTPW2B5",
        domain=DOMAIN,
        resolver=sd_resolver(),
        status_fetcher=sd_status(),
        now=NOW,
    )
    assert result.verified, result.to_dict()
    assert result_dict(result)["credentials"][0]["summary"]["hidden"] == ["evidence", "image"]
    console = Console(record=True, width=200)
    print_result(console, result)
    text = console.export_text()
    assert "Shown in part (selective disclosure). Not shown: evidence, the badge picture." in text
