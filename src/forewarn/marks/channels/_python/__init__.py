"""Helpers the Python PoC channels (`payload`, `pysource`, `wire`) share; private to `channels`."""
