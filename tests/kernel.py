"""For the tests that run a real Jupyter kernel: skip when none is installed, and only then."""

from __future__ import annotations

import pytest


def require_kernel(name: str = "python3") -> None:
    """Skip the test when the Jupyter packages or the ``name`` kernel are absent.

    Anything else that goes wrong once the kernel is there (it dies, times out, a cell
    fails) is a failure of the test, whatever its message says.
    """
    pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    kernelspec = pytest.importorskip("jupyter_client.kernelspec")
    try:
        kernelspec.KernelSpecManager().get_kernel_spec(name)
    except kernelspec.NoSuchKernel:
        pytest.skip(f"no {name!r} Jupyter kernel is installed")
