"""The frameworks Rugzak ships (files in ``shared/skills/data``), by id.

Apart from :mod:`shared.skills.catalog`, which reads them, so that naming them (the
issuer's ``framework import --help``) does not import the framework models.
"""

BUILTIN = {
    "levensvaardigheden": "levensvaardigheden.json",
    "21e-eeuwse-vaardigheden": "21e-eeuwse-vaardigheden.json",
}
