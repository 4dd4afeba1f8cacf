"""Rugzak verifier: the web page, API and CLI an employer uses to check badges.

It asks for a presentation (a request bound to this verifier by a one-time nonce),
scans it, and checks signatures, holder, challenge, dates, status and schema without
contacting the issuer: ``api`` is the HTTP API and page, ``service`` the checking,
``store`` the requests and their nonces, ``cli`` the verbs.
"""
