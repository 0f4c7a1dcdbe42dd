"""Use cases behind the issuer's machine-facing APIs: each is one transaction, committed here,
so the routes (VC-API, batch API, OpenID4VCI) only translate HTTP.

Each use case runs the service step with the request's unit of work and commits when it
returns; when the step raises nothing is committed. Steps that must keep something also
when they refuse (a counted attempt) commit that themselves, as before.
"""

from __future__ import annotations

from web_common.db import committed

from . import batches, issuance, offers, status

__all__ = [
    "cancel_batch",
    "confirm_batch",
    "exchange_pre_authorized_code",
    "issue_credential",
    "issue_nonce",
    "offers_file",
    "redeem_credential",
    "resolve_conflicts",
    "set_credential_status",
    "upload_batch",
]

# VC-API
issue_credential = committed(issuance.issue_credential)
set_credential_status = committed(status.set_credential_status)

# batch API (and the staff pages' batch actions, which are the same use cases)
upload_batch = committed(batches.create_batch)
confirm_batch = committed(batches.confirm_batch)
resolve_conflicts = committed(batches.resolve_conflicts)
cancel_batch = committed(batches.cancel_batch)
offers_file = committed(batches.delivery_file)

# OpenID4VCI
exchange_pre_authorized_code = committed(offers.exchange_pre_authorized_code)
issue_nonce = committed(offers.issue_nonce)
redeem_credential = committed(offers.redeem_credential)
