"""Endorsements (admin): the issuer endorses a badge, an achievement or an issuer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from issuer.api.deps import AdminDep, IssuerDep
from shared.runtime.web import StrictJSONRoute, error_responses

router = APIRouter(route_class=StrictJSONRoute, prefix="/endorsements", tags=["endorsements"])


class EndorseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str = Field(
        max_length=2048,
        description="the id endorsed: a badge credential, an achievement or an issuer profile",
    )
    comment: str = Field(min_length=1, max_length=5000, description="endorsementComment")
    name: str | None = Field(default=None, max_length=300, description="the credential's name")


class EndorsedOut(BaseModel):
    credential: dict[str, Any]


@router.post(
    "",
    status_code=201,
    response_model=EndorsedOut,
    operation_id="endorse",
    responses=error_responses(400, 401, 403, 422),
)
def endorse(body: EndorseIn, issuer: IssuerDep, actor: AdminDep) -> Any:
    """Sign an OB 3.0 EndorsementCredential with the issuer's DID."""
    return {"credential": issuer.endorse(body.target, body.comment, actor=actor, name=body.name)}
