"""The package itself: exports, docstrings, examples in them, type stubs, exceptions, version."""
import ast
import doctest
import inspect
import pathlib
import pydoc
import re

import pytest

import credroi
from credroi import _core
from credroi_test_support import ROOT

STUB = pathlib.Path(credroi.__file__).with_name("_core.pyi")


def public_classes():
    return [getattr(credroi, n) for n in credroi.__all__ if inspect.isclass(getattr(credroi, n))]


def test_version_matches_the_library():
    header = (ROOT / "include" / "credroi" / "version.hpp").read_text()
    assert credroi.__version__ == re.search(r'CREDROI_VERSION_STRING "([^"]+)"', header).group(1)


def test_everything_exported_exists_and_is_documented():
    for name in credroi.__all__:
        obj = getattr(credroi, name)
        if name == "__version__":
            continue
        assert (obj.__doc__ or "").strip(), f"credroi.{name} has no docstring"


@pytest.mark.parametrize("cls", public_classes(), ids=lambda c: c.__name__)
def test_every_public_member_is_documented(cls):
    if issubclass(cls, BaseException):
        return
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        doc = member.__doc__ if isinstance(member, (property, staticmethod)) else getattr(member, "__doc__", None)
        if isinstance(member, staticmethod):
            doc = member.__func__.__doc__
        assert (doc or "").strip(), f"{cls.__name__}.{name} has no docstring"
        if callable(member) and not isinstance(member, property):
            sig, *text = [l for l in doc.strip().splitlines() if l.strip()]
            assert text, f"{cls.__name__}.{name}: only a signature, no description"


def test_named_arguments_everywhere():
    for fn in (credroi.npv, credroi.irr, credroi.xnpv, credroi.mirr, credroi.Scenario.simulate):
        first = fn.__doc__.splitlines()[0]
        assert re.search(r"\w+: ", first) and "arg0" not in first, first
    for cls in public_classes():
        for name, member in vars(cls).items():
            if not name.startswith("_") and callable(member) and member.__doc__:
                assert "arg0" not in member.__doc__.splitlines()[0], f"{cls.__name__}.{name}"


def test_help_is_useful():
    text = pydoc.render_doc(credroi.Scenario, renderer=pydoc.plaintext)
    for word in ("from_file", "from_dict", "simulate", "keep_trials", "ScenarioError", "inputs", "milestones"):
        assert word in text
    assert "fan_chart" in pydoc.render_doc(credroi.plot, renderer=pydoc.plaintext)


def test_examples_in_docstrings_run():
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    objects = [getattr(credroi, n) for n in credroi.__all__ if n != "__version__"]
    for cls in public_classes():
        objects += [m for k, m in vars(cls).items() if not k.startswith("_") and callable(m)]
    examples = 0
    for obj in objects:
        name = getattr(obj, "__qualname__", getattr(obj, "__name__", repr(obj)))
        for test in finder.find(obj, name, globs={"credroi": credroi}):
            examples += len(test.examples)
            runner.run(test)
    assert examples >= 20
    assert runner.failures == 0, f"{runner.failures} docstring examples failed (output above)"


def test_exception_hierarchy():
    assert issubclass(credroi.ParameterError, (credroi.Error, ValueError))
    assert issubclass(credroi.ParameterError, ValueError) and issubclass(credroi.ScenarioError, ValueError)
    assert issubclass(credroi.NumericError, ArithmeticError) and issubclass(credroi.IoError, OSError)
    for e in (credroi.ParameterError, credroi.ScenarioError, credroi.NumericError, credroi.IoError, credroi.Cancelled):
        assert issubclass(e, credroi.Error)
        assert e.__module__ == "credroi" and e.__doc__


def _stub_names():
    tree = ast.parse(STUB.read_text())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top.add(node.name)
            names = set()
            for base in node.bases:  # members inherited from a stub-only mixin
                if isinstance(base, ast.Name) and base.id in members:
                    names |= members[base.id]
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AnnAssign)):
                    names.add(item.name if isinstance(item, ast.FunctionDef) else item.target.id)
            members[node.name] = names
        elif isinstance(node, ast.FunctionDef):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            top.add(node.target.id)
    return top, members


def test_type_stubs_match_the_module():
    top, members = _stub_names()
    runtime = {n for n in dir(_core) if not n.startswith("_")} | {"__version__"}
    stub_public = {n for n in top if (not n.startswith("_") or n == "__version__")
                   and n not in ("ArrayLike", "DateLike", "AnyDistribution")}
    assert stub_public == runtime
    for name in runtime - {"__version__"}:
        obj = getattr(_core, name)
        if not inspect.isclass(obj) or issubclass(obj, BaseException):
            continue
        actual = {n for n in dir(obj) if not n.startswith("_")}
        assert members[name] - {"__init__", "__bool__"} == actual, name
    assert STUB.with_name("py.typed").exists()


def test_distribution_abc():
    assert isinstance(credroi.Pert(1, 2, 3), credroi.Distribution)
    assert not isinstance(3.0, credroi.Distribution)


def test_import_works_without_pythonpath_once_linked():
    """The README's commands run scripts/link-python: then a plain /usr/bin/python3 imports credroi."""
    import os
    import site
    import subprocess

    pth = [pathlib.Path(p) / "credroi.pth" for p in site.getsitepackages()]
    linked = [p for p in pth if p.exists()]
    if not linked:
        pytest.skip("scripts/link-python has not registered the module in this interpreter")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(["/usr/bin/python3", "-c", "import credroi, numpy; print(credroi.__version__)"],
                         capture_output=True, text=True, env=env, cwd="/", timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == credroi.__version__


def test_sensitivity_classes_are_documented():
    from credroi import sensitivity

    for cls in (sensitivity.TornadoResult, sensitivity.SpiderResult, sensitivity.RankSensitivity,
                sensitivity.SobolIndices, _core.TornadoBar):
        assert (cls.__doc__ or "").strip(), cls.__name__
        for name, member in vars(cls).items():
            if not name.startswith("_"):
                assert (getattr(member, "__doc__", None) or "").strip(), f"{cls.__name__}.{name} has no docstring"
    for fn in (sensitivity.tornado, sensitivity.spider, sensitivity.rank, sensitivity.sobol):
        assert "Parameters" in fn.__doc__ or "Parameters as" in fn.__doc__
