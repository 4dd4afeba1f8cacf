"""The SSRF rule shared by every fetch: which addresses count as public."""

from __future__ import annotations

import ipaddress

import pytest

from shared.errors import ErrorCode, ResolutionFailed
from shared.runtime.fetch import check_url, is_public_address, pin


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2a00:1450:4001:82b::200e", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("169.254.169.254", False),
        ("::ffff:127.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 around 127.0.0.1
        ("64:ff9b::7f00:1", False),  # well-known NAT64 prefix around 127.0.0.1
        ("64:ff9b::5db8:d822", False),  # NAT64 even around a public IPv4 address
        ("64:ff9b:1::a00:1", False),  # local-use NAT64 prefix
        ("ff02::1", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_nat64_literals_and_names_are_refused() -> None:
    with pytest.raises(ResolutionFailed) as caught:
        check_url("https://[64:ff9b::7f00:1]/status/1")
    assert caught.value.code == ErrorCode.fetch_refused
    with pytest.raises(ResolutionFailed) as caught:
        pin("https://status.example.nl/1", resolve=lambda host, port: ["64:ff9b:1::1"])
    assert caught.value.code == ErrorCode.fetch_refused
    target, host_header, host = pin(
        "https://status.example.nl:8443/1?x=1", resolve=lambda host, port: ["93.184.216.34"]
    )
    assert (target, host_header, host) == (
        "https://93.184.216.34:8443/1?x=1",
        "status.example.nl:8443",
        "status.example.nl",
    )
