"""The verifier's database: trust list (SQLAlchemy 2)."""
