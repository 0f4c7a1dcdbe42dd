"""Verifier service: employers check credentials and see how they stack toward a diploma."""
