"""The employer's pages: the home page (share link, paste, upload) and the result page with
the stacking report. Thin: parse the form, call one use case, render."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUploadFile

from credentials.budget import exceeded_limit
from web_common.ui import (
    FormDep,
    FormErrors,
    PageError,
    budget_page_error,
    get_language,
    page_router,
    render,
)

from ..deps import (
    CatalogDep,
    FetcherDep,
    NowDep,
    ResolverDep,
    ResourceFetcherDep,
    SdJwtDep,
    SettingsDep,
    UowDep,
)
from ..services import use_cases
from ..services.employer import (
    MAX_INPUT_BYTES,
    SubmissionError,
    check_submission,
)
from ..services.result_view import result_view, stacking_view, suggested_targets
from ..services.stacking import search_qualifications, stacking_report

router = page_router()
_MAX_FORM_PART = 2 * MAX_INPUT_BYTES


def _home(
    request: Request,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {"errors": errors or FormErrors(), "values": values or {}}
    return render(request, "verifier/home.html", context, status_code)


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    now: NowDep,
    share: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """``/?share=<url>``: where a wallet's share link and its PDF's QR code send a person.
    The first screen they see is the verdict: the link is fetched and checked right away
    (a share link is not used up by opening it; every opening shows in the holder's access
    log). A link that cannot be used shows the home page with the reason."""
    if not share:
        return _home(request)
    try:
        handle = _check_share(request, uow, settings, now, share)
    except SubmissionError as exc:
        return _refused(request, exc, {"share": share[:2100], "mode": "share"})
    return RedirectResponse(f"/check/{handle}", status_code=303)


def _check_share(
    request: Request, uow: UowDep, settings: SettingsDep, now: NowDep, share: str
) -> str:
    state = request.app.state
    return use_cases.submit_share_link(
        uow, share, client=state.http_client, allow_hosts=settings.dev_allow_hosts, now=now,
        resolve_host=state.resolve_host, timeout=settings.fetch_timeout,
        lifetime=timedelta(minutes=settings.check_lifetime_minutes),
    )  # fmt: skip


def _refused(request: Request, exc: SubmissionError, values: dict[str, str]) -> HTMLResponse:
    errors = FormErrors()
    errors.add(exc.field, exc.message, **exc.values)
    return _home(request, errors=errors, values=values, status_code=400)


async def read_page_form(request: Request) -> AsyncIterator[None]:
    """Parse the form with the page's limits before anything else reads it (Starlette keeps
    the parsed form): a pasted credential may be up to 1 MB, more than the default field.
    Uploaded files are closed after the response."""
    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=_MAX_FORM_PART)
    except HTTPException:
        raise PageError(
            413, "Bestand te groot", "Dit is te groot om te controleren (meer dan 1 MB). Een "
            "bewijsstuk is meestal een paar kilobyte.", slug="too-large",
        ) from None  # fmt: skip
    try:
        yield
    finally:
        await form.close()


# The form is read first (page limits), then the CSRF token is checked.
forms = page_router(dependencies=[Depends(read_page_form)])


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@forms.post("/check", response_class=HTMLResponse)
def submit(
    request: Request, form: FormDep, uow: UowDep, settings: SettingsDep, now: NowDep
) -> Response:
    mode, share, text = _field(form, "mode"), _field(form, "share"), _field(form, "text")
    upload = form.get("file")
    lifetime = timedelta(minutes=settings.check_lifetime_minutes)
    try:
        if mode == "share":
            handle = _check_share(request, uow, settings, now, share)
        elif mode == "upload":
            if not isinstance(upload, StarletteUploadFile) or not upload.filename:
                raise SubmissionError("file", "Kies een bestand.")
            data = upload.file.read(MAX_INPUT_BYTES + 1)
            handle = use_cases.submit_text(uow, data, source="upload", now=now, field="file",
                                 lifetime=lifetime)  # fmt: skip
        elif mode == "paste":
            handle = use_cases.submit_text(uow, text, source="paste", now=now, field="text",
                                 lifetime=lifetime)  # fmt: skip
        else:
            raise PageError(400, "Ongeldig verzoek", "Kies hoe u het bewijs wilt aanleveren.")
    except SubmissionError as exc:
        values = {"share": share[:2100], "text": text if len(text) < 200_000 else "", "mode": mode}
        return _refused(request, exc, values)
    return RedirectResponse(f"/check/{handle}", status_code=303)


@router.get("/check/{handle}", response_class=HTMLResponse)
def result(
    handle: str,
    request: Request,
    uow: UowDep,
    catalog: CatalogDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    resources: ResourceFetcherDep,
    sd_jwt: SdJwtDep,
    now: NowDep,
    target: Annotated[str | None, Query(max_length=120)] = None,
    q: Annotated[str | None, Query(max_length=120)] = None,
) -> Response:
    checked = check_submission(uow, handle, resolver=resolver, fetch_status_list=fetcher,
                               now=now, fetch_resource=resources, sd_jwt=sd_jwt)  # fmt: skip
    if checked is None:
        raise PageError(
            404,
            "Deze controle is niet (meer) beschikbaar",
            "Een controle blijft een uur bewaard en wordt daarna gewist. Begin een nieuwe "
            "controle op de startpagina.",
            slug="check-expired",
        )
    lang = get_language(request)
    report = checked.report
    over = report.budget_failure
    if over is not None:
        raise budget_page_error(exceeded_limit(over.code) or "")
    evidence = report.evidence
    context: dict[str, Any] = {
        "handle": handle,
        "view": result_view(
            report,
            catalog,
            checked.trusted,
            lang=lang,
            today=now.date(),
            status_checked_at=fetcher.checked_at,
            token_status_checked_at=sd_jwt.fetch_status_list.checked_at
            if sd_jwt.fetch_status_list
            else None,
        ),
        "submission": checked.submission,
        "checked_at": now,
        "status_ceiling": round(fetcher.ceiling),
        "target": target or "",
        "q": q or "",
        "matches": search_qualifications(catalog, q) if q else [],
        "suggestions": suggested_targets(catalog, evidence),
        "stacking": None,
        "target_unknown": False,
        "genuine": len({e.id for e in evidence}),
        "not_counted": sum(1 for c in report.credentials if c.verdict.value == "invalid"),
    }
    if target:
        progress = stacking_report(catalog, evidence, target)
        context["stacking"] = stacking_view(progress, evidence) if progress else None
        context["target_unknown"] = context["stacking"] is None
    return render(request, "verifier/result.html", context)
