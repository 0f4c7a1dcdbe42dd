"""Thin shared plumbing for the three services (problem+json, settings, Jinja). No domain logic."""
