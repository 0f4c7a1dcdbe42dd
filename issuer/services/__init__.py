"""The issuer's use cases. Each takes a unit of work and plain values; routes only translate."""
