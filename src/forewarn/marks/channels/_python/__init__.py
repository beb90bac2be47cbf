"""Helpers both Python PoC channels (`payload`, `pysource`) share; private to `channels`."""
