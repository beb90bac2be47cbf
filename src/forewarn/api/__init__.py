"""forewarn.api."""
