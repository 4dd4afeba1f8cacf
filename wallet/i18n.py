"""English and Dutch texts for everything the wallet shows (TUI and CLI).

``Translator(lang)`` looks up a key and formats it; ``error_text`` turns a stable
error code into a plain sentence (a learner never needs the code: ``--json`` output
and the "All checks" view keep it, for machines and support). The
sentences for codes are not here: they come from the shared message catalogue
(``shared.messages``), the same the verifier page shows. The
language comes from ``--lang`` or else the system locale (``nl*`` -> Dutch).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime

from shared import messages
from shared.errors import RugzakError
from shared.showing.dates import date_text
from wallet.achievement_types import achievement_type_text
from wallet.file_problems import file_sentence, is_file_problem

LANGUAGES = ("en", "nl")

EN: dict[str, str] = {
    # app and common
    "app.title": "Rugzak wallet",
    "app.subtitle": "your badges, on your computer",
    "common.back": "Back",
    "common.cancel": "Cancel",
    "common.close": "Close",
    "common.ok": "OK",
    "common.quit": "Quit",
    "common.help": "Help",
    "common.working": "Working…",
    "common.yes": "Yes",
    "common.no": "No",
    "common.error_title": "Something went wrong",
    "common.saved": "Saved {path}",
    "common.overwrite": "There is already a file {path}. Replace it?",
    "error.file_exists": "There is already a file {path}. Choose another name, or add --force "
    "to replace it.",
    # status badges
    "status.valid": "valid",
    "status.expired": "expired",
    "status.not_yet_valid": "not yet valid",
    "status.revoked": "revoked",
    "status.suspended": "suspended",
    "status.unknown": "status unknown",
    "status.invalid": "invalid",
    # welcome / create
    "welcome.title": "Welcome to your Rugzak",
    "welcome.intro": (
        "Rugzak keeps your badges and diplomas on this computer, encrypted with a "
        "passphrase only you know. Choose a passphrase of at least 8 characters; "
        "there is no way to recover it, so keep a backup."
    ),
    "welcome.passphrase": "Passphrase",
    "welcome.repeat": "Passphrase again",
    "welcome.create": "Create my wallet",
    "welcome.restore": "Restore a backup",
    "welcome.too_short": "Use at least 8 characters.",
    "welcome.mismatch": "The two passphrases differ.",
    "welcome.creating": "Creating your wallet (this takes a second on purpose)…",
    "welcome.created": "Your wallet is ready. Your identity (DID) is {did}",
    # unlock
    "unlock.title": "Unlock your Rugzak",
    "unlock.prompt": "Type your passphrase to open the wallet in {path}.",
    "unlock.passphrase": "Passphrase",
    "unlock.button": "Unlock",
    "unlock.working": "Unlocking…",
    # badges list
    "badges.title": "My badges",
    "badges.search": "Search badges (/)",
    "badges.empty": "No badges yet. Press i to receive one from an issuer or a file.",
    "badges.none_match": "No badge matches.",
    "badges.count": "{shown} of {total} badges",
    "badges.filter": "Filter: {name}",
    "badges.filter.all": "all",
    "badges.issued": "issued {date}",
    "badges.refreshing": "Checking the status of {count} badges…",
    "badges.refreshed": "Status checked for {count} badges.",
    "badges.not_checked": "not checked since {date}",
    "bind.import": "Receive",
    "bind.present": "Present",
    "bind.refresh": "Refresh",
    "bind.backup": "Backup",
    "bind.search": "Search",
    "bind.filter": "Filter",
    "bind.details": "Details",
    "bind.did": "My DID",
    "bind.raw": "Raw JSON",
    "bind.export": "Export",
    "bind.sign": "Sign",
    "bind.unbound": "No request",
    "bind.save_png": "Save PNG",
    "bind.save_svg": "Save SVG",
    "bind.save_json": "Save JSON",
    "bind.lists": "Status lists",
    "bind.pause": "Pause",
    "bind.next": "Next part",
    "bind.prev": "Previous part",
    "bind.toggle": "Pick",
    "bind.all": "All",
    "bind.delete": "Delete",
    # detail
    "detail.title": "Badge",
    "detail.achievement": "Achievement",
    "detail.description": "Description",
    "detail.criteria": "Criteria",
    "detail.type": "Type",
    "detail.alignments": "Linked to frameworks",
    "detail.results": "Results",
    "detail.result": "Result",
    "detail.evidence": "Evidence",
    "detail.issuer": "Issuer",
    "detail.issuer_url": "Web site",
    "detail.issuer_email": "E-mail",
    "detail.subject": "Issued to",
    "detail.you": "you",
    "detail.valid_from": "Valid from",
    "detail.valid_until": "Valid until",
    "detail.status": "Status",
    "detail.checked": "Last checked {when}",
    "detail.checks": "Checks",
    "detail.all_checks": "All checks",
    "checks.notes": "Notes (on their own they do not make a badge invalid):",
    "detail.credential_id": "Badge id",
    "detail.local_id": "Wallet id",
    "detail.export_to": "Export this badge as a JSON file to:",
    "detail.exported": "Exported to {path}",
    "detail.delete_confirm": "Delete this badge from the wallet? This cannot be undone.",
    "detail.deleted": "Badge deleted.",
    # import
    "import.title": "Receive a badge",
    "import.prompt": (
        "Paste an offer link from an issuer (openid-credential-offer://…), "
        "a web address of a badge, or the path of a JSON file, a baked badge "
        "(PNG) or a picture of the offer's QR code."
    ),
    "import.placeholder": "offer link, https:// address or file path",
    "import.tx_code": "Transaction code (if the issuer gave you one)",
    "import.button": "Receive",
    "import.working": "Receiving and checking…",
    "import.result_title": "What was received",
    "import.accepted": "Kept: {name} — {status}",
    "import.refused": "Refused: {reason}",
    "import.nothing": "Nothing was received.",
    # present
    "present.title": "Present badges",
    "present.prompt": (
        "Type or paste the verifier's request: the code and address shown on their "
        "screen (like K7QM-3XHD-9RTP-W2BE@verify.example.nl) or the full request link."
    ),
    "present.request": "Verifier's request",
    "present.pick": "Pick the badges to show (space to pick):",
    "present.sign": "Sign and show",
    "present.unbound": "Without a request",
    "present.none_picked": "Pick at least one badge.",
    "present.working": "Signing…",
    "present.for": "For {domain} — code {code}",
    "present.unbound_note": "NOT BOUND TO A REQUEST: a verifier will treat it as a possible copy.",
    # qr
    "qr.title": "Show this to the verifier",
    "qr.part": "part {index} of {total}",
    "qr.too_many_to_scan": "too many to scan: fewer badges, or a PNG (s)",
    "qr.single": "one code",
    "qr.paused": "paused",
    "qr.hint": "Let the verifier scan every part, in any order.",
    "qr.too_small": "The window is too small for a QR code; make it larger or save a PNG.",
    "qr.save_to": "Save as (file name):",
    "qr.over_limit": (
        "At this window size the verifier would need more than {max} codes, its limit. "
        "Make the window larger, or save a PNG (s): its codes are larger."
    ),
    "qr.cannot_fit": (
        "These badges do not fit the verifier's limit of {max} QR codes, not even in a PNG. "
        "Present fewer badges, or connect to a network and try again."
    ),
    "qr.too_many": (
        "These badges are too large for QR codes. Present fewer badges, or save the "
        "presentation as a file (j)."
    ),
    # backup / restore
    "backup.title": "Back up your wallet",
    "backup.prompt": (
        "The backup holds your key and all badges, encrypted with your passphrase. "
        "Keep it somewhere safe, away from this computer."
    ),
    "backup.path": "Save the backup to",
    "backup.again": "Type the passphrase again",
    "backup.mismatch": "The two passphrases differ; type them again.",
    "backup.button": "Write backup",
    "backup.working": "Writing the backup…",
    "backup.done": "Backup of {count} badges written to {path}",
    "restore.title": "Restore a backup",
    "restore.prompt": "Choose the backup file and type the passphrase it was made with.",
    "restore.path": "Backup file",
    "restore.passphrase": "Passphrase of the backup",
    "restore.button": "Restore",
    "restore.working": "Restoring…",
    "restore.done": "Restored {count} badges.",
    # did
    "did.title": "Your identity",
    "did.text": ("Issuers bind badges to this DID; only this wallet holds its key.\n\n{did}"),
    # help
    "help.title": "Help",
    "help.text": (
        "# Rugzak wallet\n\n"
        "Your badges live in an encrypted file on this computer. Nothing leaves it "
        "unless you present it.\n\n"
        "## Keys on the badge list\n\n"
        "| key | what it does |\n|---|---|\n"
        "| i | receive a badge (offer link, web address or file) |\n"
        "| p | present badges to a verifier (QR code) |\n"
        "| enter | open the selected badge |\n"
        "| / | search |\n"
        "| f | filter by status |\n"
        "| s | skills passport: levels, routes and evidence per skill |\n"
        "| r | check the status of every badge again |\n"
        "| b | write an encrypted backup |\n"
        "| e | export all badges to a folder, one file each |\n"
        "| d | show your DID |\n"
        "| k | recovery on paper: split a new recovery secret into shares |\n"
        "| w | change your passphrase |\n"
        "| n | move to a new key (a new DID; old badges stay presentable) |\n"
        "| ? | this help |\n"
        "| q | quit |\n\n"
        "## On a badge\n\n"
        "| key | what it does |\n|---|---|\n"
        "| j | show the raw JSON |\n| e | export it as a JSON file |\n"
        "| r | check its status again |\n| escape | back |\n\n"
        "## On the QR screen\n\n"
        "| key | what it does |\n|---|---|\n"
        "| space | pause the parts / go on |\n| → / ← | next / previous part |\n"
        "| l | the issuers' status lists go along, or not (this presentation only) |\n"
        "| s | save as PNG |\n| v | save as SVG |\n| j | save as JSON |\n"
        "| escape | back |\n\n"
        "With the status lists, a verifier without a network can still check that your "
        "badges were not revoked; they take room, so sometimes one more code. The line "
        "under the codes says whether they go along and how many codes that takes.\n\n"
        "## Status badges\n\n"
        "**valid**: genuine, in date, not revoked. **expired** / **not yet valid**: "
        "outside its dates. **revoked** / **suspended**: the issuer withdrew it. "
        "**status unknown**: the issuer's status list could not be reached; try "
        "again online.\n"
    ),
    # CLI
    "cli.passphrase": "Passphrase",
    "cli.new_passphrase": "Choose a passphrase",
    "cli.created": "Wallet created in {path}",
    "cli.did": "DID: {did}",
    "cli.no_badges": "No badges yet.",
    "cli.damaged": (
        "{count} badge(s) in the wallet are damaged and cannot be shown ({ids}); the others "
        "work as usual. A backup made before the damage still holds them."
    ),
    "cli.presented": "Presentation of {count} badge(s) signed.",
    "present.endorsements": "Endorsements that go with them: {names} (ctrl+r leaves them out).",
    "present.endorsements_off": "Endorsements left out: {names} (ctrl+r takes them along).",
    "bind.endorsements": "Endorsements",
    "cli.endorsements": "With {count} endorsement(s): {names}.",
    "cli.endorsements_left_out": "Left out {count} endorsement(s): {names}.",
    "cli.written": "Wrote {path}",
    "cli.parts": "{count} QR code(s)",
    "recovery.share_title": "Rugzak recovery share {i} of {n} (any {k} restore the wallet)",
    "recovery.paper_note": (
        "Keep this sheet safe and apart from the other shares.\n"
        "With a backup file, any {k} shares restore the wallet: rugzak-wallet recover FILE."
    ),
    "recovery.made": (
        "Made {n} recovery shares; any {k} of them open backups written from now on. "
        "Write a new backup now (rugzak-wallet backup FILE); shares made earlier no "
        "longer open new backups."
    ),
    "recovery.pdf_tty": (
        "The PDF goes to standard output, for the printer: rugzak-wallet recovery split "
        "--pdf | lp (the wallet writes no share to a file)."
    ),
    "recovery.type_share": "Share {number} (its words)",
    "recovery.title": "Recovery on paper",
    "recovery.prompt": (
        "Split a new recovery secret into shares to print or write down; any of them, "
        "as many as you choose, restore the wallet with a backup. Earlier shares will "
        "not open new backups."
    ),
    "recovery.count": "Shares to make (n)",
    "recovery.threshold": "Shares needed to restore (k)",
    "recovery.make": "Make shares",
    "recovery.numbers": "Choose 1 to 16 shares, and at least 2 needed when there are several.",
    "recovery.on_screen": (
        "Write each share down or print them (rugzak-wallet recovery split --pdf | lp), "
        "keep them apart, then make a new backup (b). → next, ← back, esc close."
    ),
    "recovery.qr_no_room": "(QR code: make the window larger)",
    "recover.title": "Restore with paper shares",
    "recover.shares": "Your shares, one a line",
    "recover.missing": "Give the backup file and your shares.",
    "passphrase.title": "Change your passphrase",
    "passphrase.old": "Passphrase now",
    "passphrase.old_needed": "Type the passphrase you have now.",
    "passphrase.button": "Change",
    "bind.recovery": "Paper recovery",
    "bind.passphrase": "Passphrase",
    "bind.rotate": "New key",
    "rotate.title": "Your new key",
    "rotate.confirm": (
        "Move to a new key (a new DID)? Your badges stay presentable through a link signed "
        "by the old key, which Rugzak's verifier follows; other verifiers may not."
    ),
    "welcome.recover": "Restore with shares",
    "error.recovery_share_invalid": "Share {share} is mistyped or damaged: check its words.",
    "error.recovery_share_duplicate": (
        "Share {share} is the same share as share {same_as}: use different shares."
    ),
    "error.recovery_shares_too_few": "{have} share(s) given, {need} needed to restore.",
    "passphrase.new": "New passphrase",
    "rotate.done": (
        "Your new DID is {new}. Badges issued to {old} can still be presented: the old key "
        "signed a link to the new one, which Rugzak's verifier follows (other verifiers may "
        "not: ask issuers for new badges to your new DID). Write a new backup now."
    ),
    "passphrase.again": "New passphrase again",
    "passphrase.mismatch": "The two new passphrases differ.",
    "passphrase.short": "Choose a passphrase of at least 8 characters.",
    "passphrase.changed": "Passphrase changed. Backups keep the passphrase they were written with.",
    # the QR screen's line on the status lists (l switches them, for this presentation)
    "qr.lists_in": "Status lists included ({codes}) · l: leave out",
    "qr.lists_out": "Status lists left out ({codes}) · l: include",
    "qr.lists_none": "No status lists kept yet: check the badges first (r)",
    "qr.code_one": "1 code",
    "qr.codes": "{count} codes",
    "qr.codes_many": "too many codes",
    "staple.included": (
        "With the issuers' status list(s) ({count}): a verifier without a network can "
        "check whether the badges were revoked."
    ),
    "staple.left_out": (
        "The issuers' status lists were left out so the badges fit fewer QR codes; "
        "--staple always brings them along (more codes)."
    ),
    "staple.none_kept": (
        "No status list of these badges is kept yet: check them first (r, or "
        "rugzak-wallet refresh) to bring one along."
    ),
    "cli.unbound": "Warning: no request given; the presentation is not bound to a verifier.",
    "cli.restored": "Restored {count} badges into {path}",
    "cli.backup_done": "Backup of {count} badges written to {path}",
    "cli.exported": "Exported {id} to {path}",
    "cli.endorsed": "Endorsed {target} as {did}: {path}",
    "oid4vp.asks": "{verifier} asks for:",
    "oid4vp.to": "Sends the badges to {verifier} (no scan needed).",
    "oid4vp.client": "Verifier identifier: {client_id}",
    "oid4vp.candidates": "Your badges that fit (choose with --credential ID):",
    "oid4vp.no_candidates": "None of your badges fits this request.",
    "oid4vp.sent": "Sent {count} badge(s) to {verifier}.",
    "oid4vp.verdict": "The verifier says: {verdict}",
    "oid4vp.refused": "The verifier did not accept the answer: {reason}",
    "oid4vp.declined": "Told {verifier} that no badges will be shared.",
    "oid4vp.continue": "Continue in the browser: {url}",
    "oid4vp.offline": "Could not reach the verifier ({reason}). Show these QR codes instead "
    "(at most {max} codes).",
    "oid4vp.no_fallback": "Could not reach the verifier, and the link has no code for "
    "showing QR codes instead. Connect to a network and try again.",
}

NL: dict[str, str] = {
    "app.title": "Rugzak-wallet",
    "app.subtitle": "je badges, op je eigen computer",
    "common.back": "Terug",
    "common.cancel": "Annuleren",
    "common.close": "Sluiten",
    "common.ok": "OK",
    "common.quit": "Stoppen",
    "common.help": "Help",
    "common.working": "Bezig…",
    "common.yes": "Ja",
    "common.no": "Nee",
    "common.error_title": "Er ging iets mis",
    "common.saved": "{path} opgeslagen",
    "common.overwrite": "Er staat al een bestand {path}. Vervangen?",
    "error.file_exists": "Er staat al een bestand {path}. Kies een andere naam, of voeg --force "
    "toe om het te vervangen.",
    "status.valid": "geldig",
    "status.expired": "verlopen",
    "status.not_yet_valid": "nog niet geldig",
    "status.revoked": "ingetrokken",
    "status.suspended": "geschorst",
    "status.unknown": "status onbekend",
    "status.invalid": "ongeldig",
    "welcome.title": "Welkom in je Rugzak",
    "welcome.intro": (
        "Rugzak bewaart je badges en diploma's op deze computer, versleuteld met een "
        "wachtzin die alleen jij kent. Kies een wachtzin van minstens 8 tekens; "
        "die is niet te herstellen, dus maak een back-up."
    ),
    "welcome.passphrase": "Wachtzin",
    "welcome.repeat": "Wachtzin nogmaals",
    "welcome.create": "Maak mijn wallet",
    "welcome.restore": "Back-up terugzetten",
    "welcome.too_short": "Gebruik minstens 8 tekens.",
    "welcome.mismatch": "De twee wachtzinnen verschillen.",
    "welcome.creating": "Je wallet wordt gemaakt (dat duurt expres even)…",
    "welcome.created": "Je wallet is klaar. Je identiteit (DID) is {did}",
    "unlock.title": "Open je Rugzak",
    "unlock.prompt": "Typ je wachtzin om de wallet in {path} te openen.",
    "unlock.passphrase": "Wachtzin",
    "unlock.button": "Openen",
    "unlock.working": "Bezig met openen…",
    "badges.title": "Mijn badges",
    "badges.search": "Badges zoeken (/)",
    "badges.empty": (
        "Nog geen badges. Druk op i om er een te ontvangen van een uitgever of uit een bestand."
    ),
    "badges.none_match": "Geen badge gevonden.",
    "badges.count": "{shown} van {total} badges",
    "badges.filter": "Filter: {name}",
    "badges.filter.all": "alle",
    "badges.issued": "uitgegeven {date}",
    "badges.refreshing": "Status van {count} badges wordt gecontroleerd…",
    "badges.refreshed": "Status gecontroleerd voor {count} badges.",
    "badges.not_checked": "niet gecontroleerd sinds {date}",
    "bind.import": "Ontvangen",
    "bind.present": "Tonen",
    "bind.refresh": "Verversen",
    "bind.backup": "Back-up",
    "bind.search": "Zoeken",
    "bind.filter": "Filter",
    "bind.details": "Details",
    "bind.did": "Mijn DID",
    "bind.raw": "Ruwe JSON",
    "bind.export": "Exporteren",
    "bind.sign": "Ondertekenen",
    "bind.unbound": "Zonder verzoek",
    "bind.save_png": "PNG opslaan",
    "bind.save_svg": "SVG opslaan",
    "bind.save_json": "JSON opslaan",
    "bind.lists": "Statuslijsten",
    "bind.pause": "Pauze",
    "bind.next": "Volgend deel",
    "bind.prev": "Vorig deel",
    "bind.toggle": "Kiezen",
    "bind.all": "Alle",
    "bind.delete": "Verwijderen",
    "detail.title": "Badge",
    "detail.achievement": "Prestatie",
    "detail.description": "Omschrijving",
    "detail.criteria": "Criteria",
    "detail.type": "Soort",
    "detail.alignments": "Koppelingen",
    "detail.results": "Resultaten",
    "detail.result": "Resultaat",
    "detail.evidence": "Bewijs",
    "detail.issuer": "Uitgever",
    "detail.issuer_url": "Website",
    "detail.issuer_email": "E-mail",
    "detail.subject": "Uitgegeven aan",
    "detail.you": "jij",
    "detail.valid_from": "Geldig vanaf",
    "detail.valid_until": "Geldig tot",
    "detail.status": "Status",
    "detail.checked": "Laatst gecontroleerd {when}",
    "detail.checks": "Controles",
    "detail.all_checks": "Alle controles",
    "checks.notes": "Opmerkingen (op zich maken ze een badge niet ongeldig):",
    "detail.credential_id": "Kenmerk badge",
    "detail.local_id": "Wallet-id",
    "detail.export_to": "Exporteer deze badge als JSON-bestand naar:",
    "detail.exported": "Geëxporteerd naar {path}",
    "detail.delete_confirm": "Deze badge uit de wallet verwijderen? Dit kan niet ongedaan worden.",
    "detail.deleted": "Badge verwijderd.",
    "import.title": "Een badge ontvangen",
    "import.prompt": (
        "Plak een aanbiedingslink van een uitgever (openid-credential-offer://…), "
        "een webadres van een badge, of het pad van een JSON-bestand, een "
        "gebakken badge (PNG) of een afbeelding van de QR-code van de aanbieding."
    ),
    "import.placeholder": "aanbiedingslink, https://-adres of bestandspad",
    "import.tx_code": "Transactiecode (als de uitgever je er een gaf)",
    "import.button": "Ontvangen",
    "import.working": "Ontvangen en controleren…",
    "import.result_title": "Wat er ontvangen is",
    "import.accepted": "Bewaard: {name} — {status}",
    "import.refused": "Geweigerd: {reason}",
    "import.nothing": "Er is niets ontvangen.",
    "present.title": "Badges tonen",
    "present.prompt": (
        "Typ of plak het verzoek van de controleur: de code en het adres op hun scherm "
        "(zoals K7QM-3XHD-9RTP-W2BE@verify.example.nl) of de volledige verzoeklink."
    ),
    "present.request": "Verzoek van de controleur",
    "present.pick": "Kies de badges die je laat zien (spatie om te kiezen):",
    "present.sign": "Ondertekenen en tonen",
    "present.unbound": "Zonder verzoek",
    "present.none_picked": "Kies minstens één badge.",
    "present.working": "Bezig met ondertekenen…",
    "present.for": "Voor {domain} — code {code}",
    "present.unbound_note": (
        "NIET GEBONDEN AAN EEN VERZOEK: een controleur behandelt dit als mogelijke kopie."
    ),
    "qr.title": "Laat dit zien aan de controleur",
    "qr.part": "deel {index} van {total}",
    "qr.too_many_to_scan": "te veel om te scannen: minder badges, of een PNG (s)",
    "qr.single": "één code",
    "qr.paused": "gepauzeerd",
    "qr.hint": "Laat elk deel scannen, in willekeurige volgorde.",
    "qr.too_small": "Het venster is te klein voor een QR-code; maak het groter of sla een PNG op.",
    "qr.save_to": "Opslaan als (bestandsnaam):",
    "qr.over_limit": (
        "Bij deze venstergrootte zijn meer dan {max} codes nodig, de grens van de "
        "controleur. Maak het venster groter, of sla een PNG op (s): die codes zijn groter."
    ),
    "qr.cannot_fit": (
        "Deze badges passen niet binnen de grens van {max} QR-codes van de controleur, "
        "ook niet in een PNG. Laat minder badges zien, of maak verbinding met een netwerk "
        "en probeer het opnieuw."
    ),
    "qr.too_many": (
        "Deze badges zijn te groot voor QR-codes. Laat minder badges zien, of sla de "
        "presentatie op als bestand (j)."
    ),
    "backup.title": "Back-up van je wallet",
    "backup.prompt": (
        "De back-up bevat je sleutel en al je badges, versleuteld met je wachtzin. "
        "Bewaar hem op een veilige plek, niet op deze computer."
    ),
    "backup.path": "Back-up opslaan in",
    "backup.again": "Typ de wachtzin nog een keer",
    "backup.mismatch": "De twee wachtzinnen verschillen; typ ze opnieuw.",
    "backup.button": "Back-up maken",
    "backup.working": "Back-up wordt geschreven…",
    "backup.done": "Back-up van {count} badges geschreven naar {path}",
    "restore.title": "Back-up terugzetten",
    "restore.prompt": "Kies het back-upbestand en typ de wachtzin waarmee het gemaakt is.",
    "restore.path": "Back-upbestand",
    "restore.passphrase": "Wachtzin van de back-up",
    "restore.button": "Terugzetten",
    "restore.working": "Bezig met terugzetten…",
    "restore.done": "{count} badges teruggezet.",
    "did.title": "Je identiteit",
    "did.text": (
        "Uitgevers koppelen badges aan deze DID; alleen deze wallet heeft de sleutel.\n\n{did}"
    ),
    "help.title": "Help",
    "help.text": (
        "# Rugzak-wallet\n\n"
        "Je badges staan in een versleuteld bestand op deze computer. Er gaat niets "
        "naar buiten, tenzij jij het laat zien.\n\n"
        "## Toetsen in de badgelijst\n\n"
        "| toets | wat het doet |\n|---|---|\n"
        "| i | een badge ontvangen (aanbiedingslink, webadres of bestand) |\n"
        "| p | badges tonen aan een controleur (QR-code) |\n"
        "| enter | de gekozen badge openen |\n"
        "| / | zoeken |\n"
        "| f | filteren op status |\n"
        "| s | vaardighedenpaspoort: niveaus, routes en bewijs per vaardigheid |\n"
        "| r | de status van alle badges opnieuw controleren |\n"
        "| b | een versleutelde back-up maken |\n"
        "| e | alle badges naar een map exporteren, elk in een eigen bestand |\n"
        "| d | je DID tonen |\n"
        "| k | herstel op papier: een nieuw herstelgeheim in stukken verdelen |\n"
        "| w | je wachtzin wijzigen |\n"
        "| n | overstappen op een nieuwe sleutel (nieuwe DID; oude badges blijven te tonen) |\n"
        "| ? | deze help |\n"
        "| q | stoppen |\n\n"
        "## Bij een badge\n\n"
        "| toets | wat het doet |\n|---|---|\n"
        "| j | de ruwe JSON tonen |\n| e | exporteren als JSON-bestand |\n"
        "| r | de status opnieuw controleren |\n| escape | terug |\n\n"
        "## Bij de QR-codes\n\n"
        "| toets | wat het doet |\n|---|---|\n"
        "| spatie | de delen pauzeren / verder |\n| → / ← | volgend / vorig deel |\n"
        "| l | de statuslijsten van de uitgevers gaan mee, of niet (alleen deze presentatie) |\n"
        "| s | opslaan als PNG |\n| v | opslaan als SVG |\n| j | opslaan als JSON |\n"
        "| escape | terug |\n\n"
        "Met de statuslijsten kan een controleur zonder netwerk toch nagaan dat je badges "
        "niet zijn ingetrokken; ze nemen ruimte in, soms één code meer. De regel onder de "
        "codes zegt of ze meegaan en hoeveel codes dat kost.\n\n"
        "## Statuslabels\n\n"
        "**geldig**: echt, binnen de data, niet ingetrokken. **verlopen** / **nog niet "
        "geldig**: buiten de geldigheidsdata. **ingetrokken** / **geschorst**: de "
        "uitgever heeft hem teruggetrokken. **status onbekend**: de statuslijst van de "
        "uitgever was niet bereikbaar; probeer het online opnieuw.\n"
    ),
    "cli.passphrase": "Wachtzin",
    "cli.new_passphrase": "Kies een wachtzin",
    "cli.created": "Wallet gemaakt in {path}",
    "cli.did": "DID: {did}",
    "cli.no_badges": "Nog geen badges.",
    "cli.damaged": (
        "{count} badge(s) in de wallet zijn beschadigd en kunnen niet getoond worden ({ids}); "
        "de andere werken gewoon. Een back-up van voor de schade bevat ze nog."
    ),
    "cli.presented": "Presentatie van {count} badge(s) ondertekend.",
    "present.endorsements": "Aanbevelingen die meegaan: {names} (ctrl+r laat ze weg).",
    "present.endorsements_off": "Aanbevelingen weggelaten: {names} (ctrl+r neemt ze mee).",
    "bind.endorsements": "Aanbevelingen",
    "cli.endorsements": "Met {count} aanbeveling(en): {names}.",
    "cli.endorsements_left_out": "{count} aanbeveling(en) weggelaten: {names}.",
    "cli.written": "{path} geschreven",
    "cli.parts": "{count} QR-code(s)",
    "recovery.share_title": "Rugzak-herstelstuk {i} van {n} (elke {k} herstellen de wallet)",
    "recovery.paper_note": (
        "Bewaar dit vel veilig en apart van de andere stukken.\n"
        "Met een back-upbestand herstellen elke {k} stukken de wallet: "
        "rugzak-wallet recover BESTAND."
    ),
    "recovery.made": (
        "{n} herstelstukken gemaakt; elke {k} ervan openen de back-ups die je vanaf nu "
        "maakt. Maak nu een nieuwe back-up (rugzak-wallet backup BESTAND); eerder "
        "gemaakte stukken openen geen nieuwe back-ups meer."
    ),
    "recovery.pdf_tty": (
        "De PDF gaat naar standaarduitvoer, voor de printer: rugzak-wallet recovery split "
        "--pdf | lp (de wallet schrijft geen herstelstuk naar een bestand)."
    ),
    "recovery.type_share": "Stuk {number} (de woorden)",
    "recovery.title": "Herstel op papier",
    "recovery.prompt": (
        "Verdeel een nieuw herstelgeheim in stukken om te printen of op te schrijven; "
        "zoveel als je kiest herstellen samen met een back-up de wallet. Eerdere stukken "
        "openen geen nieuwe back-ups meer."
    ),
    "recovery.count": "Aantal stukken (n)",
    "recovery.threshold": "Nodig om te herstellen (k)",
    "recovery.make": "Stukken maken",
    "recovery.numbers": "Kies 1 tot 16 stukken, en minstens 2 nodig als het er meer zijn.",
    "recovery.on_screen": (
        "Schrijf elk stuk op of print ze (rugzak-wallet recovery split --pdf | lp), bewaar "
        "ze apart en maak daarna een nieuwe back-up (b). → volgende, ← terug, esc sluiten."
    ),
    "recovery.qr_no_room": "(QR-code: maak het venster groter)",
    "recover.title": "Herstellen met stukken op papier",
    "recover.shares": "Je stukken, één per regel",
    "recover.missing": "Geef het back-upbestand en je stukken.",
    "passphrase.title": "Wachtzin wijzigen",
    "passphrase.old": "Huidige wachtzin",
    "passphrase.old_needed": "Typ de wachtzin die je nu hebt.",
    "passphrase.button": "Wijzigen",
    "bind.recovery": "Herstel op papier",
    "bind.passphrase": "Wachtzin",
    "bind.rotate": "Nieuwe sleutel",
    "rotate.title": "Je nieuwe sleutel",
    "rotate.confirm": (
        "Overstappen op een nieuwe sleutel (een nieuwe DID)? Je badges blijven te tonen via "
        "een koppeling die de oude sleutel ondertekent; de controle van Rugzak volgt die, "
        "andere controleurs misschien niet."
    ),
    "welcome.recover": "Herstel met stukken",
    "error.recovery_share_invalid": (
        "Stuk {share} is verkeerd getypt of beschadigd: controleer de woorden."
    ),
    "error.recovery_share_duplicate": (
        "Stuk {share} is hetzelfde stuk als stuk {same_as}: gebruik verschillende stukken."
    ),
    "error.recovery_shares_too_few": "{have} stuk(ken) gegeven, {need} nodig om te herstellen.",
    "passphrase.new": "Nieuwe wachtzin",
    "rotate.done": (
        "Je nieuwe DID is {new}. Badges die aan {old} zijn uitgegeven kun je nog steeds "
        "tonen: de oude sleutel ondertekende een koppeling naar de nieuwe, die de controle "
        "van Rugzak volgt (andere controleurs misschien niet: vraag uitgevers om nieuwe "
        "badges op je nieuwe DID). Maak nu een nieuwe back-up."
    ),
    "passphrase.again": "Nieuwe wachtzin nogmaals",
    "passphrase.mismatch": "De twee nieuwe wachtzinnen verschillen.",
    "passphrase.short": "Kies een wachtzin van minstens 8 tekens.",
    "passphrase.changed": (
        "Wachtzin gewijzigd. Back-ups houden de wachtzin waarmee ze zijn gemaakt."
    ),
    "qr.lists_in": "Statuslijsten gaan mee ({codes}) · l: weglaten",
    "qr.lists_out": "Statuslijsten weggelaten ({codes}) · l: meesturen",
    "qr.lists_none": "Geen statuslijsten bewaard: controleer eerst (r)",
    "qr.code_one": "1 code",
    "qr.codes": "{count} codes",
    "qr.codes_many": "te veel codes",
    "staple.included": (
        "Met de statuslijst(en) van de uitgevers ({count}): een controleur zonder netwerk "
        "kan nagaan of de badges zijn ingetrokken."
    ),
    "staple.left_out": (
        "De statuslijsten van de uitgevers zijn weggelaten zodat de badges in minder "
        "QR-codes passen; met --staple always gaan ze mee (meer codes)."
    ),
    "staple.none_kept": (
        "Er is nog geen statuslijst van deze badges bewaard: controleer ze eerst (r, of "
        "rugzak-wallet refresh) om er een mee te geven."
    ),
    "cli.unbound": (
        "Let op: geen verzoek opgegeven; de presentatie is aan geen controleur gebonden."
    ),
    "cli.restored": "{count} badges teruggezet in {path}",
    "cli.backup_done": "Back-up van {count} badges geschreven naar {path}",
    "cli.exported": "{id} geëxporteerd naar {path}",
    "cli.endorsed": "{target} aanbevolen als {did}: {path}",
    "oid4vp.asks": "{verifier} vraagt om:",
    "oid4vp.to": "Stuurt de badges naar {verifier} (niets te scannen).",
    "oid4vp.client": "Naam van de controleur: {client_id}",
    "oid4vp.candidates": "Je badges die passen (kies met --credential ID):",
    "oid4vp.no_candidates": "Geen van je badges past bij dit verzoek.",
    "oid4vp.sent": "{count} badge(s) verstuurd naar {verifier}.",
    "oid4vp.verdict": "De controleur zegt: {verdict}",
    "oid4vp.refused": "De controleur nam het antwoord niet aan: {reason}",
    "oid4vp.declined": "{verifier} weet nu dat er geen badges komen.",
    "oid4vp.continue": "Ga verder in de browser: {url}",
    "oid4vp.offline": "De controleur is niet bereikbaar ({reason}). Laat in plaats daarvan "
    "deze QR-codes zien (hoogstens {max} codes).",
    "oid4vp.no_fallback": "De controleur is niet bereikbaar en de link heeft geen code om "
    "QR-codes te tonen. Maak verbinding met een netwerk en probeer het opnieuw.",
}

# Newer screens (the skills passport) keep their texts in the shared catalogue.
EN.update(messages.catalogue("en").wallet)
NL.update(messages.catalogue("nl").wallet)

CATALOGS: dict[str, Mapping[str, str]] = {"en": EN, "nl": NL}


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """``nl`` when the locale says Dutch, else ``en`` (LC_ALL, LC_MESSAGES, LANG, LANGUAGE)."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(name, "")
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


class Translator:
    """Texts in one language; ``t(key, **values)``."""

    def __init__(self, lang: str) -> None:
        if lang not in CATALOGS:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self._texts = CATALOGS[lang]
        # Sentences for stable codes come from the shared message catalogue.
        self._errors = messages.catalogue(lang).codes

    def __call__(self, key: str, **values: object) -> str:
        text = self._texts.get(key) or EN[key]
        return text.format(**values) if values else text

    def status(self, status: str) -> str:
        return self(f"status.{status}")

    def date(self, value: str | datetime | None, *, short: bool = False, time: bool = False) -> str:
        """A date as people read it in this language (``shared.showing.dates``)."""
        return date_text(value, self.lang, short=short, time=time)

    def achievement_type(self, value: str) -> str:
        """What kind of achievement, in this language (``wallet.achievement_types``)."""
        return achievement_type_text(value, self.lang)

    def code_sentence(self, code: str, fallback: str) -> str:
        """A plain sentence for a stable code (the English message when none is known)."""
        return self._errors.get(code) or fallback

    def error_text(self, error: RugzakError) -> str:
        """One line for an error, for people: the sentence, without its stable code."""
        if is_file_problem(error):
            # a file that could not be used: never the operating system's English
            return file_sentence(error.detail, self.lang)
        sentence = self._errors.get(str(error.code))
        detailed = self._texts.get(f"error.{error.code}") or EN.get(f"error.{error.code}")
        if detailed and isinstance(error.detail, dict):
            # a sentence that names the detail (which share, how many are needed)
            try:
                sentence = detailed.format(**error.detail)
            except (KeyError, IndexError):
                pass
        if sentence is None or error.code in (
            "invalid_request",
            "internal_error",
            "fetch_failed",
            "offer_failed",
        ):
            # These codes cover many cases; the specific message says more.
            sentence = (
                error.message
                if self.lang == "en" or sentence is None
                else (f"{sentence} {error.message}")
            )
        return sentence
