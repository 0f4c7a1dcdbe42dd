"""The wallet's use cases; each takes a unit of work and plain values."""
