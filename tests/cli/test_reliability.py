"""File safety and interruption of the credroi command line (docs/reliability.md).

Every file credroi writes goes to a temporary name in the same folder and is
renamed over the target, so a reader never sees half a file; a failed run
leaves an existing output untouched and no temporary file behind; an output
path that is an input is refused; a failure to write is one clear line and a
non-zero exit; Ctrl-C stops a long run with exit 130 and writes nothing.

CREDROI_BIN points at the built executable (set by ctest).
"""
import os
import pathlib
import shutil
import signal
import subprocess
import time

import pytest

BIN = os.environ.get("CREDROI_BIN", "build/test/credroi")
ROOT = pathlib.Path(os.environ.get("CREDROI_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
TINY = ROOT / "tests" / "data" / "tiny.toml"
CORPORATE = ROOT / "examples" / "corporate-ld.toml"


def run(*args, **kwargs):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=300, **kwargs)


def names(folder):
    return sorted(p.name for p in pathlib.Path(folder).iterdir())


@pytest.fixture
def scenario(tmp_path):
    """The corporate example (uncertain inputs, a budget) copied into a fresh folder."""
    p = tmp_path / "plan.toml"
    shutil.copy(CORPORATE, p)
    return p


# ---- every output is written whole, under its own name -------------------------------

WRITES = {
    "run json": lambda s, d: (["run", s, "--format", "json", "-o", d / "out.json"], ["out.json"]),
    "run csv": lambda s, d: (["run", s, "--format", "csv", "-o", d / "out.csv"], ["out.csv"]),
    "run table": lambda s, d: (["run", s, "-o", d / "out.txt"], ["out.txt"]),
    "run with samples": lambda s, d: (["run", s, "--trials", "200", "--format", "json", "-o", d / "out.json",
                                       "--samples", d / "samples.csv"], ["out.json", "samples.csv"]),
    "sensitivity": lambda s, d: (["sensitivity", s, "--format", "json", "-o", d / "tornado.json"], ["tornado.json"]),
    "sensitivity rank": lambda s, d: (["sensitivity", s, "--method", "rank", "--trials", "300", "--format", "csv",
                                       "-o", d / "rank.csv"], ["rank.csv"]),
}


@pytest.mark.parametrize("case", sorted(WRITES), ids=str)
def test_success_leaves_exactly_the_outputs(case, scenario, tmp_path):
    args, outputs = WRITES[case](scenario, tmp_path)
    p = run(*args)
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""
    assert names(tmp_path) == sorted(outputs + [scenario.name]), "no temporary file may be left behind"
    for name in outputs:
        assert (tmp_path / name).stat().st_size > 0


@pytest.mark.parametrize("case", sorted(WRITES), ids=str)
def test_a_failed_run_leaves_existing_outputs_untouched(case, scenario, tmp_path):
    args, outputs = WRITES[case](scenario, tmp_path)
    for name in outputs:
        (tmp_path / name).write_text("previous result\n")
    scenario.write_text(scenario.read_text().replace("annual = 150000", "annual = -150000"))
    p = run(*args)
    assert p.returncode == 1
    assert "budget.annual" in p.stderr
    for name in outputs:
        assert (tmp_path / name).read_text() == "previous result\n"
    assert names(tmp_path) == sorted(outputs + [scenario.name])


# ---- an output that is an input is refused ---------------------------------------------

def spellings(scenario):
    """The scenario file under other names: as given, with ./, and through a symlink."""
    link = scenario.parent / "link.toml"
    link.symlink_to(scenario)
    return [scenario, scenario.parent / "." / scenario.name, link]


@pytest.mark.parametrize("command", [
    ["run", "{s}", "--format", "json", "-o", "{o}"],
    ["run", "{s}", "--trials", "10", "--samples", "{o}"],
    ["sensitivity", "{s}", "-o", "{o}"],
], ids=["run -o", "run --samples", "sensitivity -o"])
def test_output_over_the_scenario_is_refused(command, scenario):
    before = scenario.read_text()
    for target in spellings(scenario):
        args = [a.format(s=scenario, o=target) for a in command]
        p = run(*args)
        assert p.returncode == 1, target
        assert "refusing" in p.stderr and "scenario file" in p.stderr
        assert scenario.read_text() == before
        assert sorted(names(scenario.parent)) == ["link.toml", "plan.toml"]
        (scenario.parent / "link.toml").unlink(missing_ok=True)
        (scenario.parent / "link.toml").symlink_to(scenario)


# ---- failures to write ----------------------------------------------------------------

def test_missing_folder(tmp_path):
    target = tmp_path / "no" / "such" / "out.json"
    p = run("run", TINY, "--format", "json", "-o", target)
    assert p.returncode == 1
    assert p.stderr.startswith(f"credroi: error: cannot write '{target}'")
    assert "No such file or directory" in p.stderr
    assert names(tmp_path) == []


def test_parent_is_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    for args in (["run", TINY, "-o", tmp_path / "afile" / "out.txt"],
                 ["run", TINY, "--trials", "10", "--samples", tmp_path / "afile" / "s.csv"],
                 ["sensitivity", CORPORATE, "-o", tmp_path / "afile" / "t.txt"]):
        p = run(*args)
        assert p.returncode == 1, args
        errors = [l for l in p.stderr.splitlines() if l.startswith("credroi: error:")]
        assert len(errors) == 1 and "cannot write" in errors[0] and "Not a directory" in errors[0], p.stderr
    assert names(tmp_path) == ["afile"]


def test_output_is_a_folder(tmp_path):
    (tmp_path / "out").mkdir()
    p = run("run", TINY, "-o", tmp_path / "out")
    assert p.returncode == 1
    assert "cannot write" in p.stderr
    assert names(tmp_path) == ["out"]
    assert names(tmp_path / "out") == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_standard_output_full():
    with open("/dev/full", "w") as full:
        p = subprocess.run([BIN, "run", str(CORPORATE), "--format", "json"], stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=120)
    assert p.returncode == 1
    assert "cannot write to standard output" in p.stderr


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs: a disk that fills up. Skipped where mounting is not allowed."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if shutil.which("mount") is None or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                                                     capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=False)


def test_disk_full(tiny_disk):
    # 2000 trials of samples are far more than 64 KiB.
    (tiny_disk / "samples.csv").write_text("previous samples\n")
    p = run("run", CORPORATE, "--trials", "2000", "--samples", tiny_disk / "samples.csv", "-o", tiny_disk / "out.json")
    assert p.returncode == 1
    assert "cannot write" in p.stderr and "No space left on device" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert (tiny_disk / "samples.csv").read_text() == "previous samples\n"
    assert names(tiny_disk) == ["samples.csv"], "no temporary or partial file may be left behind"


# ---- interruption ---------------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupting_a_long_run_writes_nothing(sig, tmp_path):
    (tmp_path / "out.json").write_text("previous result\n")
    proc = subprocess.Popen([BIN, "run", str(CORPORATE), "--trials", "50000000", "--format", "json",
                             "-o", str(tmp_path / "out.json")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    assert proc.poll() is None, "the run should still be going after a second"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)  # a hang fails here
    assert proc.returncode == 130
    assert out == ""
    assert err.strip().splitlines()[-1] == "credroi: interrupted; nothing was written"
    assert (tmp_path / "out.json").read_text() == "previous result\n"
    assert names(tmp_path) == ["out.json"]


def test_interrupting_a_run_to_standard_output_prints_nothing():
    proc = subprocess.Popen([BIN, "run", str(CORPORATE), "--trials", "50000000"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert out == ""
