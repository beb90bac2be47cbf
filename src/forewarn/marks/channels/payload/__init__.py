"""The payload channel: values a PoC puts on the wire (headers, user agent, query, paths)."""

from forewarn.marks.channels.payload.channel import PayloadChannel

__all__ = ["PayloadChannel"]
