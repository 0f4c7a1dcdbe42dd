"""HTTP routes of the verifier."""
