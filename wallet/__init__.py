"""Rugzak wallet: the learner's encrypted badge store, as a terminal app and a CLI.

It receives Open Badges 3.0 credentials (OpenID4VCI offers, URLs, files, baked
images), checks each one before keeping it, and signs presentations for a verifier's
request, shown as QR codes. ``app`` and ``screens`` are the Textual app, ``cli`` the
verbs for scripts, ``service`` the operations both use, ``data`` the sealed store.
"""
