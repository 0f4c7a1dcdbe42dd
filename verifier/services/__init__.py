"""The verifier's use cases."""
