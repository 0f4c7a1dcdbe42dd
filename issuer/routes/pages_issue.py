"""Issue one result from a form: step 1 chooses the kind and qualification (a GET form, so
it works without JavaScript), step 2 the parts, the student and the kind's own fields."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from qualifications import Catalog
from qualifications.achievements import KINDS, AchievementRequest, CredentialKind
from qualifications.issuer_kinds import may_issue
from qualifications.messages import message_of
from qualifications.model import GenericSubject, Qualification
from web_common.emails import is_email_address
from web_common.ui import FormDep, FormErrors, flash, page_router, render

from ..deps import BoxDep, CatalogDep, NowDep, SettingsDep, UowDep
from ..services import staff_actions
from ..services.batch_problems import BatchProblem
from ..services.diploma_decisions import DecisionError
from ..services.errors import IssuanceError
from ..services.student_results import StudentResult, unsigned_credential_for
from ..web import IssuingStaffDep, OrganisationDep
from .pages_diplomas import STATE_LABELS
from .pages_offers import mail_offer, offer_context

router = page_router()

FORM_KINDS = (
    CredentialKind.EXAMENRESULTAAT,
    CredentialKind.MBO_CERTIFICAAT,
    CredentialKind.PRAKTIJKVERKLARING,
    CredentialKind.VRIJSTELLING,
    CredentialKind.EVC,
    CredentialKind.MBO_VERKLARING,
    CredentialKind.DIPLOMA,
)
_NEEDS_QUALIFICATION = {
    CredentialKind.PRAKTIJKVERKLARING,
    CredentialKind.EVC,
    CredentialKind.MBO_VERKLARING,
    CredentialKind.DIPLOMA,
}
#: Kinds that can only name kerntaken or werkprocessen of a qualification.
_NEEDS_KERNTAKEN = {
    CredentialKind.PRAKTIJKVERKLARING,
    CredentialKind.EVC,
    CredentialKind.MBO_VERKLARING,
}
NO_KERNTAKEN = (
    "De kerntaken van dit dossier staan nog niet in de catalogus; importeer de SBB-export."
)
_TEXT_FIELDS = (
    "student_name",
    "student_number",
    "student_email",
    "keuzedeel",
    "generic_subject",
    "generic_level",
    "grade",
    "certificate_code",
    "leerbedrijf",
    "leerbedrijf_kvk",
    "praktijkopleider",
    "period_start",
    "period_end",
    "examencommissie",
    "decision_date",
)


def _kind(value: str | None, org_kind: str) -> CredentialKind | None:
    try:
        kind = CredentialKind(value or "")
    except ValueError:
        return None
    return kind if kind in FORM_KINDS and may_issue(org_kind, kind) else None


def _qualification(catalog: Catalog, ref: str | None) -> Qualification | None:
    found = catalog.qualification(ref) if ref else ()
    return found[0] if len(found) == 1 else None


def _crebo_label(q: Qualification) -> str:
    """A qualification's own crebo; one known only by its dossier says so."""
    return f"crebo {q.crebo}" if q.crebo else f"dossier {q.dossier_crebo}"


def _choices(catalog: Catalog, lang_en: bool, search: str, org_kind: str) -> dict[str, Any]:
    found = (
        catalog.search(search, limit=100)
        if search.strip()
        else sorted(catalog.qualifications, key=lambda q: (q.title, q.niveau))
    )
    return {
        "kinds": [
            (k.value, KINDS[k].title_en if lang_en else KINDS[k].title_nl)
            for k in FORM_KINDS
            if may_issue(org_kind, k)
        ],
        "qualifications": [
            (
                q.id,
                f"{q.title} — {_crebo_label(q)}, niveau {q.niveau}"
                + ("" if q.has_detail else " (alleen diploma/certificaat)"),
            )
            for q in found
        ],
        "search": search,
        "found": len(found),
    }


@router.get("/issue")
def choose(
    request: Request,
    user: IssuingStaffDep,
    org: OrganisationDep,
    catalog: CatalogDep,
    kind: str = "",
    qualification: str = "",
    search: str = "",
) -> Response:
    errors = FormErrors()
    chosen_kind = _kind(kind, org.kind)
    chosen = _qualification(catalog, qualification)
    search = search[:100]
    if request.query_params.get("step") == "2":
        if chosen_kind is None:
            errors.add("kind", "Kies wat voor bewijs je uitgeeft.")
        if qualification and chosen is None:
            errors.add("qualification", "Kies een kwalificatie uit de lijst.")
        elif chosen is None and chosen_kind in _NEEDS_QUALIFICATION:
            errors.add("qualification", "Voor dit soort bewijs is een kwalificatie nodig.")
        elif chosen is not None and not chosen.has_detail and chosen_kind in _NEEDS_KERNTAKEN:
            errors.add("qualification", NO_KERNTAKEN)
        if not errors and chosen_kind is not None:
            return _details(
                request, catalog, chosen_kind, chosen, {}, FormErrors(), str(uuid.uuid4())
            )
    context = _choices(catalog, request.scope.get("ui.lang") == "en", search, org.kind)
    context.update({"errors": errors, "values": {"kind": kind, "qualification": qualification}})
    return render(request, "issuer/issue_choose.html", context, status_code=400 if errors else 200)


def _details(
    request: Request,
    catalog: Catalog,
    kind: CredentialKind,
    qualification: Qualification | None,
    values: dict[str, Any],
    errors: FormErrors,
    reference: str,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "issuer/issue_details.html",
        {
            "kind": kind.value,
            "kind_title": KINDS[kind].title_en
            if request.scope.get("ui.lang") == "en"
            else KINDS[kind].title_nl,
            "qualification": qualification,
            "values": values,
            "codes": set(values.get("codes", [])),
            "errors": errors,
            "reference": reference,
            "mail_enabled": request.app.state.settings.smtp_host is not None,
            "keuzedelen": [(k.code, f"{k.code} {k.title}") for k in catalog.keuzedelen],
            "certificates": [
                (c.code, f"{c.code} {c.title}") for c in catalog.certificates if c.code
            ],
            "generic_subjects": [
                (s.value, s.value.replace("_", " ").capitalize()) for s in GenericSubject
            ],
        },
        status_code=status_code,
    )


@router.post("/issue")
def issue(
    request: Request,
    form: FormDep,
    user: IssuingStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
    settings: SettingsDep,
    catalog: CatalogDep,
    box: BoxDep,
) -> Response:
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in _TEXT_FIELDS}
    values["codes"] = [str(code) for code in form.getlist("codes")]
    values["date_achieved"] = str(form.get("date_achieved") or "").strip()[:40]
    kind = _kind(str(form.get("kind") or ""), org.kind)
    qualification = _qualification(catalog, str(form.get("qualification") or ""))
    reference = str(form.get("reference") or "")
    if kind is None or not _valid_uuid(reference):
        flash(request, "Het formulier was niet compleet. Begin opnieuw.", "error")
        return RedirectResponse("/issue", status_code=303)
    errors = FormErrors()
    if values["student_email"] and not is_email_address(values["student_email"]):
        errors.add("student_email", "Vul een geldig e-mailadres in.")
    optional: dict[str, Any] = {name: values[name] or None for name in _TEXT_FIELDS[3:]}
    request_ = AchievementRequest(
        kind=kind,
        qualification=qualification.id if qualification else None,
        codes=tuple(values["codes"]),
        **optional,
    )
    result = StudentResult(
        request=request_,
        student_name=values["student_name"],
        reference=reference,
        student_number=values["student_number"] or None,
        student_email=values["student_email"] or None,
        date_achieved=values["date_achieved"] or None,
    )
    if errors:  # report the service's field problems too, all at once
        try:
            unsigned_credential_for(catalog, org, result, now)
        except IssuanceError as exc:
            errors.extend(exc.problems)
    elif kind is CredentialKind.DIPLOMA:  # waits for a second staff member's confirmation
        try:
            entered = staff_actions.enter_diploma(
                uow, org, catalog, result, now=now, actor=user.email
            )
        except IssuanceError as exc:
            errors.extend(exc.problems)
        except DecisionError as exc:
            refusal = message_of(exc)
            if getattr(refusal, "code", None) == BatchProblem.DIPLOMA_WAITING_WITH_OTHER_CONTENT:
                # the form sent again (back, edit, send) with other content
                errors.add(
                    "student_name",
                    "Dit diploma is al ingevoerd en wacht op het besluit van de examencommissie, "
                    "met andere gegevens. Laat het wachtende diploma afwijzen of begin opnieuw.",
                )
            else:  # worded by its code (already issued with other content)
                errors.add("student_name", refusal)
        else:
            return render(
                request,
                "issuer/diploma_entered.html",
                {"decision": entered.decision, "state_label": STATE_LABELS[entered.decision.state]},
            )
    else:
        try:
            done = staff_actions.issue_and_offer(
                uow,
                org,
                catalog,
                result,
                box=box,
                public_base_url=settings.public_base_url,
                status_list_size=settings.status_list_entries,
                offer_ttl=timedelta(days=settings.offer_ttl_days),
                now=now,
                actor=user.email,
            )
        except IssuanceError as exc:
            errors.extend(exc.problems)
    if errors:
        return _details(request, catalog, kind, qualification, values, errors, reference, 400)
    if done.offer is None:
        flash(request, "Dit bewijs was al uitgegeven; er is niets dubbel gemaakt.", "info")
        return RedirectResponse(f"/credentials/{done.row.id}", status_code=303)
    mailed = None
    if form.get("mail_offer") and values["student_email"] and settings.smtp_host:
        mailed = mail_offer(
            uow, settings, org, done.row, done.offer, student_name=values["student_name"],
            to=values["student_email"], now=now, actor=user.email,
        )  # fmt: skip
    context = offer_context(
        settings, org, done.row, done.offer, values["student_name"],
        student_email=values["student_email"], mailed=mailed,
    )  # fmt: skip
    return render(request, "issuer/issue_result.html", context)


def _valid_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
