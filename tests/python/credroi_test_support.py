"""Paths and helpers shared by the Python tests (tests/python).

Environment:
  PYTHONPATH          must reach the built package: <build>/python (ctest sets it)
  CREDROI_BIN         the credroi executable, for the tests that compare with the
                      command line; default: <build>/credroi beside the package,
                      if it exists (otherwise those tests are skipped)
  CREDROI_SOURCE_DIR  the source tree (default: two folders above this file)
"""
import json
import os
import pathlib
import subprocess

import pytest

import credroi

ROOT = pathlib.Path(os.environ.get("CREDROI_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
CORPORATE = ROOT / "examples" / "corporate-ld.toml"
TINY = ROOT / "tests" / "data" / "tiny.toml"
NOTEBOOK = ROOT / "examples" / "notebooks" / "walkthrough.ipynb"


def _find_cli():
    if os.environ.get("CREDROI_BIN"):
        return os.environ["CREDROI_BIN"]
    # <build>/python/credroi/__init__.py -> <build>/credroi
    candidate = pathlib.Path(credroi.__file__).resolve().parents[2] / "credroi"
    return str(candidate) if candidate.is_file() and os.access(candidate, os.X_OK) else None


CLI = _find_cli()
needs_cli = pytest.mark.skipif(CLI is None, reason="set CREDROI_BIN to the credroi executable")


def run_cli(*args, check=True):
    p = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"credroi {' '.join(map(str, args))} failed ({p.returncode}): {p.stderr}")
    return p


def cli_json(*args):
    return json.loads(run_cli(*args).stdout)
