"""End-to-end batch issuance throughput on PostgreSQL, with 1 and 2 worker processes.

Run: ``python bench/bench_batch.py [--rows 10000] [--workers 1 2]``. For each worker count:
a throw-away database on 127.0.0.1:5432 (user postgres), migrated, with one school; a CSV of
realistic results (exam results, praktijkverklaringen, keuzedelen and mbo-certificaten
from the sample catalog; no diplomas, which wait for an examencommissie decision) is

1. parsed and checked against the catalog and stored as a previewed batch (no signing);
2. confirmed, and issued by N ``python -m issuer worker`` processes, started beforehand:
   every row signed, stored with its status entries, and offered (OpenID4VCI offer with a
   transaction code);
3. uploaded again in another file: every row found and compared with its credential
   (already issued, nothing changed);
4. the other format: every one of the issued records delivered as an SD-JWT VC
   (``dc+sd-jwt``: claims mapped from the stored record, ES256 with the organisation's X.509
   key from the development CA, ``cnf`` a holder key, the record's Token Status List entry),
   in this process, as the credential endpoint does it at redemption.

Prints seconds and rows/s per phase, and the CPU seconds of the workers and of this process
(the machine may be shared: CPU time is the steadier number). Target: 10,000 credentials in
under 20 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from credentials.jwk import P256KeyPair
from issuer.db.batch_tables import Batch
from issuer.db.offer_tables import CredentialOffer
from issuer.db.tables import IssuedCredential, StatusListRow
from issuer.services.batch_csv import parse_results_csv
from issuer.services.batches import confirm_batch, create_batch
from issuer.services.organisations import create_organisation, get_organisation
from issuer.services.sd_jwt_delivery import HolderKey, sd_jwt_credential
from issuer.services.x509_keys import CREDENTIAL, active_x509_signer, create_dev_chain
from issuer.settings import IssuerSettings
from qualifications import Catalog, load_catalog
from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.migrations import upgrade
from web_common.secrets import SecretBox

ROOT = Path(__file__).resolve().parent.parent
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_SECONDS = 20.0
NAMES = ["Sanne", "Daan", "Fleur", "Milan", "Noor", "Sem", "Julia", "Lucas", "Emma", "Mohammed"]
SURNAMES = ["de Vries", "Jansen", "Bakker", "Yilmaz", "el Amrani", "Visser", "Smit", "Mulder"]


def generate_csv(catalog: Catalog, rows: int, seed: int = 7) -> bytes:
    """A results export as Dutch Excel writes it: ``;`` separated, UTF-8 with BOM."""
    rng = random.Random(seed)
    qualifications = [q for q in catalog.qualifications if q.crebo and q.kerntaken]
    keuzedelen = [k.code for k in catalog.keuzedelen]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    header = ["reference", "studentnummer", "naam", "email", "soort", "kwalificatie",
              "codes", "keuzedeel", "leerbedrijf", "periode_start", "periode_eind",
              "geldig_vanaf"]  # fmt: skip
    writer.writerow(header)
    for i in range(rows):
        q = rng.choice(qualifications)
        kerntaak = rng.choice(q.kerntaken)
        name = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}"
        row = {"reference": f"SIS-{i:07d}", "studentnummer": f"{100000 + i}", "naam": name,
               "email": f"student{i}@example.nl", "geldig_vanaf": "1-7-2026"}  # fmt: skip
        pick = rng.random()
        if pick < 0.55:
            row |= {"soort": "examenresultaat", "kwalificatie": q.crebo or "",
                    "codes": kerntaak.code}  # fmt: skip
        elif pick < 0.75:
            werkprocessen = [w.code for w in kerntaak.werkprocessen][:3]
            row |= {"soort": "praktijkverklaring", "kwalificatie": q.crebo or "",
                    "codes": ", ".join(werkprocessen), "leerbedrijf": "Zorggroep Midden",
                    "periode_start": "2025-09-01", "periode_eind": "2026-06-30"}  # fmt: skip
        elif pick < 0.9 and keuzedelen:
            row |= {"soort": "examenresultaat", "keuzedeel": rng.choice(keuzedelen)}
        else:  # a diploma row would wait for the examencommissie's decision: not issued here
            row |= {"soort": "mbo_certificaat", "kwalificatie": q.crebo or "",
                    "codes": kerntaak.code}  # fmt: skip
        writer.writerow([row.get(column, "") for column in header])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def run(rows: int, workers: int, data: bytes, catalog: Catalog) -> float:
    name = f"bench_batch_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(ADMIN_DSN, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    fernet_key = Fernet.generate_key().decode()
    env = {**os.environ, "ISSUER_ENVIRONMENT": "test", "ISSUER_DATABASE_URL": url,
           "ISSUER_DATA_ENCRYPTION_KEYS": fernet_key, "ISSUER_PUBLIC_BASE_URL":
           "https://issuer.example", "ISSUER_BATCH_POLL_SECONDS": "0.05",
           "ISSUER_LOG_LEVEL": "WARNING"}  # fmt: skip
    settings = IssuerSettings(environment="test", database_url=url,
                              data_encryption_keys=fernet_key,  # type: ignore[arg-type]
                              public_base_url="https://issuer.example")  # fmt: skip
    procs: list[subprocess.Popen[bytes]] = []
    engine = make_engine(url)
    try:
        upgrade("issuer", url)
        sessions = make_session_factory(engine)
        box = SecretBox.from_setting(fernet_key)
        now = datetime.now(UTC)
        with UnitOfWork(sessions) as uow:
            org = create_organisation(
                uow, slug="roc-bench", name="ROC Bench", kind="school", identifier="99XX",
                public_base_url=settings.public_base_url, box=box, now=now, actor="bench",
            )  # fmt: skip
            create_dev_chain(
                uow, org, box, issuer_id="https://issuer.example/roc-bench", now=now,
                actor="bench",
            )  # fmt: skip
            uow.commit()
        procs = [
            subprocess.Popen([sys.executable, "-m", "issuer", "worker"], cwd=ROOT, env=env)
            for _ in range(workers)
        ]
        time.sleep(2.5)  # let the workers import and load the catalog before timing
        start = time.perf_counter()
        parsed = parse_results_csv(data)
        parse_s = time.perf_counter() - start
        assert not parsed.file_errors, parsed.file_errors
        with UnitOfWork(sessions) as uow:
            batch, _ = create_batch(
                uow, org, catalog, data, filename="bench.csv", now=now, actor="bench",
                max_rows=settings.batch_max_rows,
            )  # fmt: skip
            uow.commit()
            batch_id, invalid = batch.id, batch.invalid_count
        preview_s = time.perf_counter() - start
        assert invalid == 0, f"{invalid} rows invalid"
        start = time.perf_counter()
        with UnitOfWork(sessions) as uow:
            confirm_batch(uow, org, batch_id, now=now, actor="bench")
            uow.commit()
        while True:
            with UnitOfWork(sessions) as uow:
                status = uow.session.scalar(select(Batch.status).where(Batch.id == batch_id))
            if status in ("done", "failed", "cancelled"):
                break
            if any(p.poll() is not None for p in procs):
                raise RuntimeError("a worker died")
            time.sleep(0.05)
        issue_s = time.perf_counter() - start
        with UnitOfWork(sessions) as uow:
            issued = uow.session.scalar(select(func.count()).select_from(IssuedCredential))
            offers = uow.session.scalar(select(func.count()).select_from(CredentialOffer))
        assert issued == rows, issued
        assert offers == rows, offers
        start = time.perf_counter()
        with UnitOfWork(sessions) as uow:  # the same rows again, in another file
            again, _ = create_batch(
                uow, org, catalog, data + b"\r\n", filename="again.csv", now=now, actor="bench",
                max_rows=settings.batch_max_rows,
            )  # fmt: skip
            uow.commit()
            assert again.skipped_count == rows, (again.skipped_count, again.conflict_count)
        again_s = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        delivered = deliver_sd_jwt(sessions, box, catalog, now)
        sd_s, sd_cpu = time.perf_counter() - start, time.process_time() - cpu
        assert delivered == rows, delivered
        verdict = "ok" if preview_s + issue_s < TARGET_SECONDS else "OVER TARGET"
        print(
            f"workers={workers}  parse {parse_s:6.2f} s   parse+check+store (preview) "
            f"{preview_s:6.2f} s ({rows / preview_s:7.0f} rows/s)   confirm → all issued+offered "
            f"{issue_s:6.2f} s ({rows / issue_s:7.0f} rows/s)   end to end "
            f"{preview_s + issue_s:6.2f} s  {verdict}   re-upload preview (every row compared "
            f"with its credential) {again_s:6.2f} s ({rows / again_s:7.0f} rows/s)\n"
            f"           the same records as dc+sd-jwt {sd_s:6.2f} s ({rows / sd_s:7.0f} rows/s, "
            f"{sd_cpu:5.2f} CPU s in one process)",
            flush=True,
        )
        return preview_s + issue_s
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=30)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = children.ru_utime + children.ru_stime
        print(f"           worker CPU so far (all runs): {worker_cpu:6.2f} s")
        engine.dispose()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def deliver_sd_jwt(sessions: object, box: SecretBox, catalog: Catalog, now: datetime) -> int:
    """Every issued record as an SD-JWT VC, as the credential endpoint makes it."""
    holder = HolderKey(P256KeyPair.generate().public_jwk, "urn:bench:holder", None)
    count = 0
    with UnitOfWork(sessions) as uow:  # type: ignore[arg-type]
        org = get_organisation(uow, "roc-bench")
        signer = active_x509_signer(uow, org, box, CREDENTIAL)
        lists = {row.id: row for row in uow.session.scalars(select(StatusListRow))}
        for record in uow.session.scalars(select(IssuedCredential)).yield_per(1000):
            token_list = lists.get(record.token_status_list_id or -1)
            compact = sd_jwt_credential(
                record, json.loads(record.document), org, token_list, holder=holder,
                signer=signer, issuer_id="https://issuer.example/roc-bench",
                public_base_url="https://issuer.example", catalog=catalog, now=now,
            )  # fmt: skip
            count += compact.count("~") > 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    catalog = load_catalog(ROOT / "schemas" / "catalog" / "sample.json")
    data = generate_csv(catalog, args.rows)
    print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB CSV, target < {TARGET_SECONDS:g} s; "
          f"{os.cpu_count()} cores (PostgreSQL shares them)")  # fmt: skip
    for workers in args.workers:
        run(args.rows, workers, data, catalog)


if __name__ == "__main__":
    main()
