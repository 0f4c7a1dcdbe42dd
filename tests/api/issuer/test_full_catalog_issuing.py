"""Issuing for any real qualification: search by crebo or title, a diploma for a
qualification known only from the crebo list, a clear refusal for its kerntaken, and the
batch check naming qualifications by crebo or title."""

from __future__ import annotations

import re

from .conftest import Issuer, csrf_of, login_client
from .test_pages_batches import _batch_id, _upload


def test_search_by_crebo_and_by_title(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    everything = client.get("/issue")
    assert "Betonboorder — crebo 25078, niveau 3 (alleen diploma/certificaat)" in everything.text
    by_crebo = client.get("/issue", params={"search": "25078"})
    assert "Gevonden:" in by_crebo.text
    options = re.findall(r'<option value="([^"]+)"', by_crebo.text)
    assert [o for o in options if o.startswith("mbo-")] == ["mbo-25078-betonboorder@regeling-2015"]
    by_title = client.get("/issue", params={"search": "verpleeg"})
    found = re.findall(r'<option value="(mbo-[^"]+)"', by_title.text)
    assert found == [
        "mbo-25480-mbo-verpleegkundige@regeling-2015",
        "mbo-25655-mbo-verpleegkundige",
    ]


def test_a_diploma_for_a_qualification_known_only_from_the_list(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    qualification = "mbo-25078-betonboorder@regeling-2015"
    step2 = client.get(f"/issue?step=2&kind=diploma&qualification={qualification}")
    assert step2.status_code == 200
    reference = re.search(r'name="reference" value="([^"]+)"', step2.text)
    assert reference
    form = {
        "csrf_token": csrf_of(step2.text),
        "kind": "diploma",
        "qualification": qualification,
        "reference": reference.group(1),
        "student_name": "Sanne de Vries",
        "decision_date": "2026-06-29",
    }
    entered = client.post("/issue", data=form, follow_redirects=False)
    assert entered.status_code == 200, entered.text[:2000]
    assert "Wacht op bevestiging examencommissie" in entered.text  # a second person signs it
    admin = login_client(staff, "admin@roc-midden.nl")
    page = admin.get("/diplomas")
    decision = re.search(r'action="(/diplomas/\d+/confirm)"', page.text)
    assert decision
    issued = admin.post(decision.group(1), data={"csrf_token": csrf_of(page.text)})
    assert issued.status_code == 200, issued.text[:2000]
    assert "openid-credential-offer://" in issued.text


def test_kerntaken_of_a_list_only_dossier_are_refused_clearly(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    qualification = "mbo-25078-betonboorder@regeling-2015"
    refused = client.get(f"/issue?step=2&kind=praktijkverklaring&qualification={qualification}")
    assert refused.status_code == 400
    message = (
        "De kerntaken van dit dossier staan nog niet in de catalogus; importeer de SBB-export."
    )
    assert message in refused.text
    exam = client.get(f"/issue?step=2&kind=examenresultaat&qualification={qualification}")
    assert exam.status_code == 200  # a keuzedeel or generic result is still possible
    assert message in exam.text
    assert 'name="codes"' not in exam.text


def test_the_batch_check_reads_crebos_and_titles_of_the_whole_list(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    rows = (
        "reference;naam;soort;kwalificatie;codes;besluitdatum\n"
        "D1;Sanne de Vries;diploma;25078;;2026-06-29\n"
        "D2;Daan Jansen;diploma;Allround betonreparateur;;2026-06-29\n"
        "E1;Noor Bakker;examenresultaat;25078;B1-K1;\n"
        "D3;Piet Smit;diploma;Verkoper;;2026-06-29\n"
    )
    batch_id = _batch_id(_upload(client, rows, follow_redirects=False))
    page = client.get(f"/batches/{batch_id}").text
    assert re.search(r'id="count-ready">2<', page)
    row4 = page.split('id="row-4"')[1].split("</tr>")[0]
    assert "De kerntaken van dossier 23045 staan nog niet in de catalogus" in row4
    row5 = page.split('id="row-5"')[1].split("</tr>")[0]
    assert "‘Verkoper’ is de naam van meer dan één kwalificatie (25167, 25503)" in row5
