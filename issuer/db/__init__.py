"""The issuer's database: tables and repositories (SQLAlchemy 2)."""
