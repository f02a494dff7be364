"""A bundled, deterministic sample dataset and the seeded generator that made it.

>>> from leadkit.sample import load_sample
>>> data = load_sample()
>>> len(data.leads), len(data.accounts), len(data.users)
(2000, 50, 8)
"""

from leadkit.sample._bundle import load_sample, save_sample
from leadkit.sample._data import DuplicateCopy, DuplicateGroup, SampleChunk, SampleData
from leadkit.sample._generator import (
    CHUNK_SIZE,
    SAMPLE_AS_OF,
    SAMPLE_SEED,
    SAMPLE_SIZE,
    SampleGenerator,
    generate,
    iter_leads,
)
from leadkit.sample._outcomes import SAMPLE_BASE_LOG_ODDS, SAMPLE_PROPENSITY, sample_outcomes
from leadkit.sample._summary import summary
from leadkit.sample._variants import Variation

__all__ = [
    "CHUNK_SIZE",
    "SAMPLE_AS_OF",
    "SAMPLE_BASE_LOG_ODDS",
    "SAMPLE_PROPENSITY",
    "SAMPLE_SEED",
    "SAMPLE_SIZE",
    "DuplicateCopy",
    "DuplicateGroup",
    "SampleChunk",
    "SampleData",
    "SampleGenerator",
    "Variation",
    "generate",
    "iter_leads",
    "load_sample",
    "sample_outcomes",
    "save_sample",
    "summary",
]
