"""Issuer service: schools, leerbedrijven and EVC providers issue and revoke credentials."""
