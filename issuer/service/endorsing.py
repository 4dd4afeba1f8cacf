"""Endorsing: the issuer signs an OB 3.0 EndorsementCredential with its own DID."""

from __future__ import annotations

import uuid
from typing import Any

from issuer.service.base import IssuerBase
from shared.credentials import issue_credential
from shared.ob.endorsement import build_endorsement


class EndorseOps(IssuerBase):
    """Endorse a learner's badge, an achievement or another issuer."""

    def endorse(
        self, target_id: str, comment: str, *, actor: str, name: str | None = None
    ) -> dict[str, Any]:
        """A signed endorsement of ``target_id`` (a credential, achievement or profile id).

        Endorsements carry no status entry: the endorser's signature and its date are
        the whole claim. The audit log records who made it and what it endorses.
        """
        now = self.now()
        unsigned = build_endorsement(
            endorser_id=self.identity.did,
            endorser_name=self.identity.profile.get("name"),
            target_id=target_id,
            comment=comment,
            credential_id=f"urn:uuid:{uuid.uuid4()}",
            valid_from=now,
            name=name,
        )
        signed = issue_credential(unsigned, self.signer, created=now)
        with self.store.begin() as conn:
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action="endorse",
                subject=signed["id"],
                detail={"target": target_id},
            )
        return signed
