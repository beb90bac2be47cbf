"""The recorded loopback traffic (`wire_world.traffic`) for the capture-reader tests."""

from wire_world import traffic

__all__ = ["traffic"]
