"""The credential engine: W3C Verifiable Credentials for the mbo wallet, with no web or database.

A few calls for everyday use; the modules behind them for experts:

- :func:`add_proof` / :func:`verify_credential` / :func:`verify_presentation` — Data Integrity
  ``eddsa-rdfc-2022`` proofs and structured verification results.
- :class:`Ed25519KeyPair` — keys as Multikey (``did:key``).
- :mod:`credentials.canonicalization` — JSON-LD with bundled contexts only (never the network),
  RDFC-1.0 canonicalisation with correct context caching, and safe mode.
- :mod:`credentials.did`, :mod:`credentials.did_web` — DID documents and resolution.
- :mod:`credentials.status_list` — Bitstring Status List.
- :mod:`credentials.jose` — VC-JOSE ``vc+jwt``.
- :mod:`credentials.sd_jwt_vc` — SD-JWT VC ``dc+sd-jwt`` over :mod:`credentials.sd_jwt`
  (RFC 9901), with :mod:`credentials.token_status_list`, :mod:`credentials.type_metadata`
  and :mod:`credentials.x509_trust`.
"""
