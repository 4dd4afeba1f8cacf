"""The trust pack's status lists as ``StatusSource`` hands them out: equal to the pack's,
a fresh copy every time (a caller that changes its copy changes nothing else)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.verifier.helpers import LIST_URL, NOW, make_pack
from verifier.service.trust import StatusSource, TrustPack


def test_each_fetch_is_an_equal_copy_of_the_pack_list(tmp_path: Path) -> None:
    pack = TrustPack.load(make_pack(tmp_path / "pack.json"))
    source = StatusSource(
        network=None, pack=pack, pack_max_age=timedelta(days=7), clock=lambda: NOW
    )
    urls = [url for url in pack.status_lists if url.startswith(LIST_URL)]
    assert urls
    for url in urls:
        first = source.fetch(url)
        assert first == pack.status_lists[url]
        assert list(first) == list(pack.status_lists[url])  # member order kept
        first["credentialSubject"]["encodedList"] = "changed"
        first["proof"] = None
        second = source.fetch(url)
        assert second == pack.status_lists[url]
        assert second is not first
        assert second["credentialSubject"] is not first["credentialSubject"]
