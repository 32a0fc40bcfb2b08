"""Hypothesis settings for the fuzz tests: a quick deterministic run in the test suite, any
number of examples on demand.

- `ci` (the default): a few hundred examples in all, the same ones every run (derandomized),
  inputs kept small (`values.SMALL`); the whole of tests/fuzz takes well under a minute.
- `fuzz` (`SCREENING_FUZZ=fuzz`, set by `make fuzz N=…`): `FUZZ_EXAMPLES` examples per case
  test and a tenth of that per rule-folder test (a folder costs ~50 times a case), random
  each run, failures kept in the hypothesis database, inputs up to the loaders' 8 MB cap.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from tests.fuzz.values import FULL, SMALL, Sizes

PROFILE = os.environ.get("SCREENING_FUZZ", "ci")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 1000)
IS_FUZZ = PROFILE == "fuzz"

_COMMON = {
    "deadline": None,  # the worker enforces its own time bound
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
    "print_blob": True,
}
settings.register_profile("screening-fuzz-ci", derandomize=True, database=None, **_COMMON)
settings.register_profile("screening-fuzz", **_COMMON)

#: How large mutations may make an input.
SIZES: Sizes = FULL if IS_FUZZ else SMALL


def examples(ci: int, share: float = 1.0) -> settings:
    """Settings for one fuzz test: `ci` examples in the suite; `share` of N under `make fuzz`."""
    if IS_FUZZ:
        return settings(
            settings.get_profile("screening-fuzz"), max_examples=max(1, int(EXAMPLES * share))
        )
    return settings(settings.get_profile("screening-fuzz-ci"), max_examples=ci)
