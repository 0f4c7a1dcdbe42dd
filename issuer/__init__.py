"""Issuer service: schools, leerbedrijven and EVC providers issue, deliver and revoke credentials."""
