"""forewarn.demo: shipped scenarios — stage a program, run the benign PoC, play the attacker.

It may import every package below `cli`; nothing but `cli`, tests and benchmarks imports it.
"""

from forewarn.demo.scenario import DemoOutcome, run_demo

__all__ = ["DemoOutcome", "run_demo"]
