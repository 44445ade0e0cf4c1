import os

from hypothesis import HealthCheck, settings

# CI runs the same examples every time; locally hypothesis explores afresh.
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

import tests.strategies  # noqa: E402, F401  (it defines two ops, which every table-driven test checks)
