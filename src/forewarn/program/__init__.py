"""forewarn.program."""
