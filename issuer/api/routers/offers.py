"""Credential offers: create an OID4VCI pre-authorized code offer, list, show.

Making an offer and showing one (by its id) are for ``issue`` tokens too; listing every
offer (learners' names and e-mail addresses) is ``admin`` only.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from fastapi import APIRouter

from issuer.api.deps import AdminDep, IssueDep, Limit, OffersDep, Offset
from issuer.api.models import OfferCreate, OfferCreatedOut, OfferOut
from issuer.awards import AwardIn
from shared.qr import render_png
from shared.runtime.web import StrictJSONRoute, error_responses

router = APIRouter(route_class=StrictJSONRoute, prefix="/offers", tags=["offers"])
ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post(
    "",
    status_code=201,
    response_model=OfferCreatedOut,
    operation_id="create_offer",
    responses=ERRORS,
)
def create_offer(body: OfferCreate, offers: OffersDep, actor: IssueDep) -> Any:
    created = offers.create(
        body.achievement_id,
        skills=body.skills,
        actor=actor,
        name=body.name,
        email=body.email,
        award=AwardIn(
            results=body.results,
            evidence=body.evidence,
            assessor=body.assessor,
            awarded_date=body.awarded_date,
            plain_name=body.plain_name,
        ),
        tx_code=body.tx_code,
        expires_in=timedelta(seconds=body.expires_in_seconds) if body.expires_in_seconds else None,
    )
    qr = None
    if body.qr:
        png = render_png(created.reference_link)
        qr = "data:image/png;base64," + base64.b64encode(png).decode()
    return {
        "id": created.id,
        "offer_uri": created.link,
        "offer_uri_by_reference": created.reference_link,
        "tx_code": created.tx_code,
        "expires_at": created.expires_at,
        "qr_png": qr,
    }


@router.get("", response_model=list[OfferOut], operation_id="list_offers", responses=ERRORS)
def list_offers(offers: OffersDep, _actor: AdminDep, limit: Limit = 100, offset: Offset = 0) -> Any:
    return offers.list(limit=limit, offset=offset)


@router.get("/{offer_id}", response_model=OfferOut, operation_id="get_offer", responses=ERRORS)
def get_offer(offer_id: str, offers: OffersDep, _actor: IssueDep) -> Any:
    return offers.view(offer_id)
