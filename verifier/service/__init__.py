"""The verifier's work, independent of HTTP; shared by the API and the CLI.

``verifier`` judges presentations, credentials and QR codes (and spends nonces),
``trust`` holds the trust list, the offline trust pack and the status source,
``build`` assembles a ``Verifier`` from the settings. Fetches go through
``shared.runtime.fetch`` (the SSRF guard).
"""

from verifier.service.build import Clock, Parts, build_verifier, system_clock
from verifier.service.trust import StatusSource, TrustPack, load_trust_list
from verifier.service.verifier import Verifier, result_dict

__all__ = [
    "Clock",
    "Parts",
    "StatusSource",
    "TrustPack",
    "Verifier",
    "build_verifier",
    "load_trust_list",
    "result_dict",
    "system_clock",
]
