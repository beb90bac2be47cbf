"""forewarn: run a vulnerability pre-disclosure partner program whose leaks trace themselves."""

__version__ = "0.1.0"
