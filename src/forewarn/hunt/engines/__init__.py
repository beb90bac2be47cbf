"""Engines that run a hunt over many inputs: local processes (default) or Dask."""

from forewarn.hunt.engines.dask import DaskEngine
from forewarn.hunt.engines.interface import Engine
from forewarn.hunt.engines.local import LocalEngine

__all__ = ["DaskEngine", "Engine", "LocalEngine"]
