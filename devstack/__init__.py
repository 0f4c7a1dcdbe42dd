"""Run the whole system on one machine for a demo or development: the issuer, wallet and
verifier as three separate processes on SQLite, with seeded demo data.

    python -m devstack start
"""
