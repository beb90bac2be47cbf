"""forewarn.marks.channels."""
