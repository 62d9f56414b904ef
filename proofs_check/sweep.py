"""The sweep runner now lives in the package (:mod:`graphcollapse.parallel`); this re-exports it."""

from graphcollapse.parallel import (DASK_HINT, Checkpoint, SweepError, SweepResult, connect_dask,  # noqa: F401
                                    default_workers, run_sweep, write_json_atomic)
from graphcollapse.parallel import __all__  # noqa: F401
