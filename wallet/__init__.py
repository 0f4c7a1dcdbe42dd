"""Wallet service: a person's skills passport (LLO portfolio)."""
