"""forewarn.exchange."""
