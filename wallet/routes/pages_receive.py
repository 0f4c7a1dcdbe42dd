"""Pages: receive a credential (paste or scan an offer, enter a code, upload a file)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from web_common.ui import flash, page_router, render

from ..deps import AccountDep, BoxDep, CheckerDep, HttpDep, NowDep, SettingsDep, UowDep
from ..services import receive, use_cases
from ..services.errors import ReceiveError
from ..services.transport import GuardedHttp

router = page_router()


def _tx_fields(preview: receive.OfferPreview | None) -> dict[str, Any] | None:
    if preview is None or preview.offer.tx_code is None:
        return None
    code = preview.offer.tx_code
    return {"input_mode": code.input_mode, "length": code.length, "description": code.description}


def _preview(offer: str, http: GuardedHttp) -> tuple[receive.OfferPreview | None, str | None]:
    """Who offers what, read before anything is accepted (or why the offer can't be read)."""
    try:
        return receive.preview_offer(offer, http), None
    except ReceiveError as exc:
        return None, exc.detail


@router.get("/receive")
def receive_page(
    request: Request,
    account: AccountDep,
    http: HttpDep,
    credential_offer_uri: Annotated[str | None, Query(max_length=16 * 1024)] = None,
    credential_offer: Annotated[str | None, Query(max_length=16 * 1024)] = None,
    offer: Annotated[str | None, Query(max_length=16 * 1024)] = None,
) -> Response:
    """Also the wallet's Credential Offer Endpoint: a link ``/receive?credential_offer_uri=…``
    (or ``/receive?offer=<an openid-credential-offer:// link>``, the https link an issuer's
    QR code can carry) shows who offers what, and asks for the code when one is needed."""
    text = offer or ""
    if credential_offer_uri or credential_offer:
        text = str(request.url.remove_query_params("offer"))
    preview, error = _preview(text, http) if text else (None, None)
    return render(
        request,
        "wallet/receive.html",
        {"offer": text, "error": error, "tx": _tx_fields(preview), "preview": preview},
    )


@router.post("/receive/offer")
def receive_offer(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    http: HttpDep,
    checker: CheckerDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
    offer: Annotated[str, Form(max_length=16 * 1024)] = "",
    tx_code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        accepted = use_cases.accept_offer(
            uow,
            account,
            offer,
            tx_code=tx_code or None,
            http=http,
            checker=checker,
            box=box,
            now=now,
            max_credentials=settings.max_credentials_per_account,
            max_credential_bytes=settings.max_credential_bytes,
            formats=settings.credential_formats,
        )
    except ReceiveError as exc:
        tx = None
        preview = None
        if exc.code in ("tx_code_required", "tx_code_wrong"):
            preview, _error = _preview(offer, http)
            tx = _tx_fields(preview) or dict(exc.extra) or {"input_mode": "numeric"}
        return render(
            request,
            "wallet/receive.html",
            {
                "offer": offer,
                "error": exc.detail if exc.code != "tx_code_required" else None,
                "error_values": exc.extra,
                "tx": tx,
                "preview": preview,
            },
            status_code=200 if exc.code == "tx_code_required" else 400,
        )
    rows = accepted.credentials
    flash(
        request,
        "Ontvangen: {title}. Het is gecontroleerd en staat in je paspoort.",
        "success",
        title=", ".join(r.title for r in rows),
    )
    for missing in accepted.not_received:  # kept what came in; say what did not
        flash(
            request,
            "De uitgever bood dit bewijs ook aan als {format}, maar dat is niet binnengekomen; "
            "wat wel binnenkwam, staat in je paspoort.",
            "warning",
            format=missing.label,
        )
        flash(request, missing.reason, "warning")  # a catalog sentence of ReceiveError
    return RedirectResponse(f"/credentials/{rows[0].public_id}", status_code=303)


@router.post("/receive/upload")
def receive_upload(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    checker: CheckerDep,
    now: NowDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    data = file.file.read(settings.max_credential_bytes + 1)
    try:
        row = use_cases.receive_upload(
            uow,
            account,
            data,
            checker=checker,
            now=now,
            max_bytes=settings.max_credential_bytes,
            max_credentials=settings.max_credentials_per_account,
        )
    except ReceiveError as exc:
        return render(
            request,
            "wallet/receive.html",
            {"offer": "", "error": exc.detail, "tx": None, "preview": None},
            status_code=400,
        )
    flash(
        request,
        "Ontvangen: {title}. Het is gecontroleerd en staat in je paspoort.",
        "success",
        title=row.title,
    )
    return RedirectResponse(f"/credentials/{row.public_id}", status_code=303)
