"""examples/notebooks/walkthrough.ipynb runs end to end and draws its figures.

The kernel is this very interpreter (a kernel spec written for the test), with
the package on its PYTHONPATH, so a python3 kernel found elsewhere on the
machine (pyenv, conda) cannot stand in for it.
"""
import json
import os
import pathlib
import sys

import pytest

import credroi
from credroi_test_support import NOTEBOOK

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    spec = tmp_path / "kernels" / "credroi-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "credroi test kernel",
        "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    package_parent = str(pathlib.Path(credroi.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([package_parent, *filter(None, [env.get("PYTHONPATH")])])
    env.pop("MPLBACKEND", None)  # the notebook chooses the inline backend itself
    return "credroi-test", env


def test_walkthrough_runs_and_draws(kernel):
    name, env = kernel
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=name, timeout=600,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute(env=env)
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    # adoption + budget, fan chart + histogram, tornado, Sobol indices, the comparison
    assert len(images) >= 5, f"{len(images)} figures"
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "P(NPV > 0)" in text and "Uncertainty (5000 trials" in text


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "clear the outputs before saving"
