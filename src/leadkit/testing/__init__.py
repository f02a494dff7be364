"""Test support shipped with leadkit: Hypothesis strategies for every public type
(:mod:`leadkit.testing.strategies`, needs ``leadkit[testing]``) and, for storage
adapters, a repository contract suite.

Import the submodules directly; this package imports nothing heavy on its own.
"""

__all__: list[str] = []
