"""The notebooks run top to bottom under a real Jupyter kernel; their asserts on computed values must hold.

Each notebook is executed with nbclient under an IPython kernel of this very
interpreter (a kernel spec written for the run, so a ``python3`` kernel
registered elsewhere on the machine cannot stand in for it).  A failing ``assert``
in a cell fails the test with the cell's traceback.  The executed notebooks
in the repository keep their outputs (figures included); refresh them with
``python tests/test_notebooks.py`` after changing a notebook.
"""

import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
#: Seconds a single cell may take before the run is stopped.
CELL_TIMEOUT = 180


KERNEL = "graphcollapse-tests"


@contextmanager
def this_interpreter_as_kernel():
    """A kernel spec running ``sys.executable``, first on ``JUPYTER_PATH`` while the block runs."""
    with tempfile.TemporaryDirectory() as root:
        spec = Path(root) / "kernels" / KERNEL
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "graphcollapse tests", "language": "python"}))
        before = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = root + (os.pathsep + before if before else "")
        try:
            yield KERNEL
        finally:
            if before is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = before


def execute(path: Path):
    """Run a notebook in its own directory under a fresh kernel; return the executed notebook."""
    notebook = nbformat.read(path, as_version=4)
    with this_interpreter_as_kernel() as kernel:
        client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name=kernel,
                                         resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def test_every_use_has_a_notebook():
    names = {path.stem for path in NOTEBOOKS}
    assert {"quickstart", "verify_a_theorem", "closed_forms_for_a_paper", "finite_samples"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_under_a_kernel(path):
    notebook = execute(path)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code)
    assert any("assert " in cell.source for cell in code)      # the story checks what it computes
    outputs = [out for cell in code for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.output_type == "error"]
    figures = [out for out in outputs if "image/png" in out.get("data", {})]
    assert figures, f"{path.name} shows no figure"
    stored = nbformat.read(path, as_version=4)
    assert any("image/png" in out.get("data", {}) for cell in stored.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])), f"{path.name} is committed without its figures"


if __name__ == "__main__":  # refresh the committed outputs
    for notebook_path in (Path(arg) for arg in sys.argv[1:]) if sys.argv[1:] else NOTEBOOKS:
        executed = execute(notebook_path)
        for cell in executed.cells:
            cell.metadata.pop("execution", None)
        nbformat.write(executed, notebook_path)
        print(f"executed {notebook_path.name}")
