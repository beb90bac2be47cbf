"""The text channel: wording and layout choices in advisories and detection guidance."""

from forewarn.marks.channels.text.channel import TextChannel

__all__ = ["TextChannel"]
