"""Describe the machine a benchmark ran on (read at run time, printed with the figures)."""

from __future__ import annotations

import os
import platform


def describe() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import numpy
    import scipy
    import sympy

    try:
        import flint

        flint_version = flint.__version__
    except ImportError:
        flint_version = "absent"
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "default"
    return (f"{cpu}; {os.cpu_count()} cores; Python {platform.python_version()}; numpy {numpy.__version__}, "
            f"scipy {scipy.__version__}, sympy {sympy.__version__}, python-flint {flint_version}; "
            f"BLAS threads {threads}; load average {_load()}")


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"
