"""Status list fetching: trust packs, the HTTPS cache (TTL, ETag, 304, max age), URL policy."""

from __future__ import annotations

import json
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.errors import ErrorCode, InvalidInput, ResolutionFailed
from shared.status_cache import (
    DEFAULT_MAX_AGE,
    DEFAULT_TTL,
    CachingStatusFetcher,
    HttpReply,
    LocalStatusSource,
    StatusFetcher,
    is_public_https_url,
)
from shared.status_list import BitstringStatusList, build_status_list_credential, check_status
from tests.conftest import load_vector

URL = "https://issuer.example/status/1"
START = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeTransport:
    """Replays queued replies (or raises queued exceptions) and records each request."""

    def __init__(self, *replies: HttpReply | Exception) -> None:
        self.replies: deque[HttpReply | Exception] = deque(replies)
        self.calls: list[tuple[str, str | None, float]] = []

    def queue(self, *replies: HttpReply | Exception) -> None:
        self.replies.extend(replies)

    def __call__(self, url: str, etag: str | None, timeout: float) -> HttpReply:
        self.calls.append((url, etag, timeout))
        reply = self.replies.popleft()
        if isinstance(reply, Exception):
            raise reply
        return reply


def _list(revoked: tuple[int, ...] = (), **subject: Any) -> dict[str, Any]:
    bits = BitstringStatusList()
    for index in revoked:
        bits.set(index, 1)
    credential = build_status_list_credential(
        list_url=URL,
        issuer="did:web:issuer.example",
        purpose="revocation",
        status_list=bits,
        valid_from=START - timedelta(days=1),
    )
    credential["credentialSubject"].update(subject)
    return credential


def _ok(credential: dict[str, Any], etag: str | None = '"v1"', **headers: str) -> HttpReply:
    all_headers = dict(headers)
    if etag is not None:
        all_headers["ETag"] = etag
    return HttpReply(200, json.dumps(credential).encode(), all_headers)


def _fetcher(transport: FakeTransport, clock: FakeClock, **options: Any) -> CachingStatusFetcher:
    return CachingStatusFetcher(transport, clock, **options)


NOT_MODIFIED = HttpReply(304)


# --- local source


def test_local_source_serves_copies_and_refuses_unknown_urls() -> None:
    original = _list()
    source: StatusFetcher = LocalStatusSource({URL: original})
    fetched = source.fetch(URL)
    assert fetched == original
    fetched["id"] = "changed"
    original["id"] = "changed too"
    assert source.fetch(URL)["id"] == URL
    with pytest.raises(ResolutionFailed) as caught:
        source.fetch("https://issuer.example/status/2")
    assert caught.value.code == ErrorCode.status_list_unavailable


def test_local_source_from_the_vector_url_map_checks_dcc_status() -> None:
    index = load_vector("status-list/status-lists.json")
    source = LocalStatusSource(
        {url: load_vector(path) for url, path in index["statusListCredentialUrlToFile"].items()}
    )
    credential = load_vector(
        "dcc/vc-test-fixtures/verifiableCredentials/v1/ed25519/didWeb/legacy-revokedStatus-noExpiry.json"
    )
    entry = credential["credentialStatus"]
    outcome = check_status(entry, source.fetch(entry["statusListCredential"]), now=START)
    assert outcome.code == ErrorCode.revoked


# --- caching


def test_a_fresh_copy_is_served_without_asking_again() -> None:
    clock, transport = FakeClock(), FakeTransport(_ok(_list((3,))))
    fetcher = _fetcher(transport, clock, timeout=2.5)
    assert fetcher.fetch(URL) == _list((3,))
    clock.advance(seconds=DEFAULT_TTL.total_seconds() - 1)
    assert fetcher.fetch(URL) == _list((3,))
    assert transport.calls == [(URL, None, 2.5)]


def test_a_stale_copy_is_revalidated_with_its_etag_and_kept_on_304() -> None:
    clock, transport = FakeClock(), FakeTransport(_ok(_list((3,)), etag='W/"abc"'), NOT_MODIFIED)
    fetcher = _fetcher(transport, clock)
    first = fetcher.fetch(URL)
    clock.advance(seconds=DEFAULT_TTL.total_seconds())
    assert fetcher.fetch(URL) == first
    assert [etag for _, etag, _ in transport.calls] == [None, 'W/"abc"']
    clock.advance(seconds=DEFAULT_TTL.total_seconds() - 1)
    fetcher.fetch(URL)  # the 304 made it fresh again
    assert len(transport.calls) == 2


def test_a_changed_list_replaces_the_cached_one() -> None:
    clock = FakeClock()
    transport = FakeTransport(_ok(_list()), _ok(_list((7,)), etag='"v2"'), NOT_MODIFIED)
    fetcher = _fetcher(transport, clock)
    assert check_status(_entry(7), fetcher.fetch(URL), now=clock()).ok
    clock.advance(minutes=6)
    assert check_status(_entry(7), fetcher.fetch(URL), now=clock()).code == ErrorCode.revoked
    clock.advance(minutes=6)
    fetcher.fetch(URL)
    assert transport.calls[-1][1] == '"v2"'


def test_304_may_carry_a_new_etag() -> None:
    clock = FakeClock()
    transport = FakeTransport(_ok(_list()), HttpReply(304, b"", {"etag": '"v9"'}), NOT_MODIFIED)
    fetcher = _fetcher(transport, clock)
    fetcher.fetch(URL)
    clock.advance(minutes=5)
    fetcher.fetch(URL)
    clock.advance(minutes=5)
    fetcher.fetch(URL)
    assert transport.calls[-1][1] == '"v9"'


def test_list_ttl_wins_over_cache_control_and_default() -> None:
    clock = FakeClock()
    transport = FakeTransport(
        _ok(_list(ttl=60_000), **{"Cache-Control": "max-age=3600"}), NOT_MODIFIED
    )
    fetcher = _fetcher(transport, clock)
    fetcher.fetch(URL)
    clock.advance(seconds=59)
    fetcher.fetch(URL)
    assert len(transport.calls) == 1
    clock.advance(seconds=1)
    fetcher.fetch(URL)
    assert len(transport.calls) == 2


@pytest.mark.parametrize(
    ("cache_control", "fresh_seconds"),
    [
        ("public, max-age=600", 600),
        ('max-age="120", must-revalidate', 120),
        ("MAX-AGE=30", 30),
        ("no-cache", 0),
        ("private, no-store", 0),
        ("max-age=oops", DEFAULT_TTL.total_seconds()),
        ("s-maxage=900", DEFAULT_TTL.total_seconds()),
        ("max-age=999999999", DEFAULT_MAX_AGE.total_seconds()),  # capped by max_age
    ],
)
def test_cache_control_sets_freshness(cache_control: str, fresh_seconds: float) -> None:
    clock = FakeClock()
    transport = FakeTransport(_ok(_list(), **{"cache-control": cache_control}), NOT_MODIFIED)
    fetcher = _fetcher(transport, clock)
    fetcher.fetch(URL)
    if fresh_seconds:
        clock.advance(seconds=fresh_seconds - 1)
        fetcher.fetch(URL)
        assert len(transport.calls) == 1
    clock.advance(seconds=1)
    fetcher.fetch(URL)
    assert len(transport.calls) == 2


def test_valid_until_of_the_list_caps_freshness() -> None:
    clock = FakeClock()
    credential = {**_list(ttl=3_600_000), "validUntil": "2026-11-23T12:10:00Z"}
    transport = FakeTransport(_ok(credential), NOT_MODIFIED)
    fetcher = _fetcher(transport, clock)
    fetcher.fetch(URL)
    clock.advance(minutes=9)
    fetcher.fetch(URL)
    assert len(transport.calls) == 1
    clock.advance(minutes=1)
    fetcher.fetch(URL)
    assert len(transport.calls) == 2


# --- failure


@pytest.mark.parametrize(
    "failure",
    [
        ResolutionFailed("connection refused", code=ErrorCode.fetch_failed),
        TimeoutError("timed out"),
        HttpReply(503),
        HttpReply(502, b"<html>bad gateway</html>"),
        HttpReply(429),
    ],
    ids=["transport-error", "timeout", "503", "502", "429"],
)
def test_unreachable_source_serves_the_copy_until_max_age_then_unknown(
    failure: HttpReply | Exception,
) -> None:
    clock = FakeClock()
    transport = FakeTransport(_ok(_list((3,))), failure, failure)
    fetcher = _fetcher(transport, clock, max_age=timedelta(hours=1))
    fetcher.fetch(URL)
    clock.advance(minutes=60)
    assert fetcher.fetch(URL) == _list((3,))
    clock.advance(seconds=1)
    with pytest.raises(ResolutionFailed) as caught:
        fetcher.fetch(URL)
    assert caught.value.code == ErrorCode.status_list_unavailable
    assert caught.value.detail == {"url": URL}


def test_revalidation_resets_the_max_age_clock() -> None:
    clock = FakeClock()
    down = OSError("network unreachable")
    transport = FakeTransport(_ok(_list()), NOT_MODIFIED, down)
    fetcher = _fetcher(transport, clock, max_age=timedelta(minutes=30))
    fetcher.fetch(URL)
    clock.advance(minutes=29)
    fetcher.fetch(URL)  # 304: confirmed now
    clock.advance(minutes=29)
    fetcher.fetch(URL)  # down, but confirmed 29 minutes ago
    assert len(transport.calls) == 3


def test_no_copy_and_no_source_is_unknown() -> None:
    fetcher = _fetcher(FakeTransport(OSError("no route to host")), FakeClock())
    with pytest.raises(ResolutionFailed) as caught:
        fetcher.fetch(URL)
    assert caught.value.code == ErrorCode.status_list_unavailable


@pytest.mark.parametrize("status", [404, 410, 403, 302])
def test_a_client_error_drops_the_copy(status: int) -> None:
    clock = FakeClock()
    transport = FakeTransport(_ok(_list()), HttpReply(status), OSError("down"))
    fetcher = _fetcher(transport, clock)
    fetcher.fetch(URL)
    clock.advance(minutes=5)
    with pytest.raises(ResolutionFailed) as caught:
        fetcher.fetch(URL)
    assert caught.value.detail == {"url": URL, "http_status": status}
    with pytest.raises(ResolutionFailed):  # the copy is gone: no stale answer
        fetcher.fetch(URL)
    assert transport.calls[-1][1] is None


def test_304_without_a_copy_is_unavailable() -> None:
    fetcher = _fetcher(FakeTransport(NOT_MODIFIED), FakeClock())
    with pytest.raises(ResolutionFailed) as caught:
        fetcher.fetch(URL)
    assert caught.value.code == ErrorCode.status_list_unavailable


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"x" * 1025, ErrorCode.payload_too_large),
        (b"<html>not json</html>", ErrorCode.invalid_json),
        (b"\xff\xfe\x00", ErrorCode.invalid_json),
        (b"[1, 2, 3]", ErrorCode.status_list_invalid),
    ],
    ids=["too-large", "html", "not-utf8", "array"],
)
def test_bad_bodies_are_refused(body: bytes, code: ErrorCode) -> None:
    fetcher = _fetcher(FakeTransport(HttpReply(200, body)), FakeClock(), max_bytes=1024)
    with pytest.raises(InvalidInput) as caught:
        fetcher.fetch(URL)
    assert caught.value.code == code
    assert fetcher.max_bytes == 1024


def test_a_body_at_the_limit_is_accepted() -> None:
    body = json.dumps(_list()).encode()
    fetcher = _fetcher(FakeTransport(HttpReply(200, body)), FakeClock(), max_bytes=len(body))
    assert fetcher.fetch(URL)["id"] == URL


# --- housekeeping


def test_callers_get_copies() -> None:
    clock, transport = FakeClock(), FakeTransport(_ok(_list()))
    fetcher = _fetcher(transport, clock)
    fetcher.fetch(URL)["credentialSubject"]["encodedList"] = "tampered"
    assert (
        fetcher.fetch(URL)["credentialSubject"]["encodedList"]
        == _list()["credentialSubject"]["encodedList"]
    )


def test_least_recently_used_lists_are_evicted() -> None:
    urls = [f"https://issuer.example/status/{n}" for n in range(3)]
    transport = FakeTransport(*[_ok(_list()) for _ in range(5)])
    fetcher = _fetcher(transport, FakeClock(), max_entries=2)
    fetcher.fetch(urls[0])
    fetcher.fetch(urls[1])
    fetcher.fetch(urls[0])  # cached; now most recently used
    fetcher.fetch(urls[2])  # evicts urls[1]
    fetcher.fetch(urls[0])
    fetcher.fetch(urls[1])
    assert [url for url, _, _ in transport.calls] == [urls[0], urls[1], urls[2], urls[1]]


def test_invalidate_and_clear_force_a_new_fetch() -> None:
    transport = FakeTransport(*[_ok(_list()) for _ in range(3)])
    fetcher = _fetcher(transport, FakeClock())
    fetcher.fetch(URL)
    fetcher.invalidate(URL)
    fetcher.fetch(URL)
    fetcher.clear()
    fetcher.fetch(URL)
    assert [etag for _, etag, _ in transport.calls] == [None, None, None]


def test_clock_must_be_timezone_aware() -> None:
    fetcher = _fetcher(FakeTransport(), lambda: datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone"):
        fetcher.fetch(URL)


@pytest.mark.parametrize(
    "options",
    [
        {"max_age": timedelta(seconds=-1)},
        {"default_ttl": timedelta(seconds=-1)},
        {"max_bytes": 0},
        {"timeout": 0},
        {"max_entries": 0},
    ],
)
def test_nonsense_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must"):
        _fetcher(FakeTransport(), FakeClock(), **options)


def test_reply_headers_are_case_insensitive() -> None:
    reply = HttpReply(200, b"{}", {"ETag": '"x"', "CACHE-CONTROL": "max-age=1"})
    assert (reply.header("etag"), reply.header("Cache-Control"), reply.header("age")) == (
        '"x"',
        "max-age=1",
        None,
    )


# --- URL policy


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://issuer.example/status/1", True),
        ("https://issuer.example:8443/status/1", True),
        ("HTTPS://Issuer.Example/status", True),
        ("https://8.8.8.8/list", True),
        ("https://[2001:4860:4860::8888]/list", True),
        ("https://xn--bcher-kva.example/list", True),
        ("http://issuer.example/status/1", False),
        ("ftp://issuer.example/status/1", False),
        ("issuer.example/status/1", False),
        ("https:///status", False),
        ("https://user:pass@issuer.example/", False),
        ("https://user@issuer.example/", False),
        ("https://localhost/status", False),
        ("https://status.localhost./x", False),
        ("https://127.0.0.1/", False),
        ("https://127.1/", False),
        ("https://2130706433/", False),
        ("https://0x7f.0.0.1/", False),
        ("https://0177.0.0.1/", False),
        ("https://%31%32%37.0.0.1/", False),
        ("https://0/", False),
        ("https://10.1.2.3/", False),
        ("https://172.16.0.1/", False),
        ("https://192.168.1.1/", False),
        ("https://100.64.0.1/", False),
        ("https://169.254.169.254/latest/meta-data", False),
        ("https://224.0.0.1/", False),
        ("https://1.2.3.4.5/", False),
        ("https://999.1.1.1/", False),
        ("https://[::1]/", False),
        ("https://[fe80::1%25eth0]/", False),
        ("https://[fd00::1]/", False),
        ("https://[::ffff:10.0.0.1]/", False),
        ("https://[2002:c0a8:0101::]/", False),
        ("https://issuer.example:99999/", False),
        ("https://issuer.example/\nstatus", False),
        ("https://issuer.example/ status", False),
    ],
)
def test_is_public_https_url(url: str, public: bool) -> None:
    assert is_public_https_url(url) is public


def test_non_strings_are_not_urls() -> None:
    assert is_public_https_url(None) is False  # type: ignore[arg-type]


def _entry(index: int) -> dict[str, Any]:
    return {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": URL,
    }


def test_shared_copies_are_one_object_until_the_list_changes() -> None:
    """``fetch_shared`` hands out the cached list itself (verification only reads it),
    the same object while it is fresh, a new one once the source sends another list;
    ``fetch`` still hands out copies of it."""
    clock, transport = FakeClock(), FakeTransport(_ok(_list()), _ok(_list((5,)), etag='"v2"'))
    fetcher = _fetcher(transport, clock)
    shared = fetcher.fetch_shared(URL)
    assert fetcher.fetch_shared(URL) is shared
    copied = fetcher.fetch(URL)
    assert copied == shared
    assert copied is not shared
    clock.advance(seconds=DEFAULT_TTL.total_seconds() + 1)
    changed = fetcher.fetch_shared(URL)
    assert changed is not shared
    assert changed == _list((5,))
    assert shared == _list()  # the object handed out before is left as it was


def test_local_source_shares_one_copy_of_its_own() -> None:
    original = _list()
    source = LocalStatusSource({URL: original})
    shared = source.fetch_shared(URL)
    assert source.fetch_shared(URL) is shared
    assert shared == original
    assert shared is not original
    with pytest.raises(ResolutionFailed):
        source.fetch_shared("https://issuer.example/status/2")
