"""forewarn.cli."""
