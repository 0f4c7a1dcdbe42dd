"""HTTP routes of the issuer, one module per resource."""
