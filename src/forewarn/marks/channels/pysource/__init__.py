"""The Python source channel: semantics-preserving structural choices in PoC code."""

from forewarn.marks.channels.pysource.channel import PythonSourceChannel

__all__ = ["PythonSourceChannel"]
