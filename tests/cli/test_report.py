"""`credroi report` and `credroi compare`, run as a user runs them.

The numbers in a report carry the engine's value in a data-value attribute
next to the text a reader sees; these tests hold both against
`credroi run --format json` with the same trials and seed. The browser tests
open the reports in headless Chromium (Debian's chromium package, installed by
`scripts/setup test`) and keep screenshots in the artefact folder they print.

CREDROI_BIN points at the built executable (set by ctest).
"""
import html
import html.parser
import json
import math
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest

BIN = os.environ.get("CREDROI_BIN", "build/test/credroi")
ROOT = pathlib.Path(os.environ.get("CREDROI_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
CORPORATE = ROOT / "examples" / "corporate-ld.toml"
TRIALS, SEED = 3000, 11
CHARTS = {"fan", "npv", "lines", "budget", "adoption", "tornado"}

# A scenario none of the code was tuned on, with user text that tries to
# break out of the HTML, a budget that runs short and a [stakeholders] table.
HOSTILE_NAME = '<script>alert("x")</script> & Co\'s <img src=x onerror=alert(1)> plan'
UNSEEN = """
[scenario]
name = "<script>alert(\\"x\\")</script> & Co's <img src=x onerror=alert(1)> plan"
description = "Vendor </p><b>bold</b> pilot"
currency = "CHF"
start = "2027-01"
horizon_months = 48
discount_rate = { uniform = [0.04, 0.09] }

[fiscal_year]
start_month = 10

[[segments]]
name = "nurses <em>"
headcount = { triangular = [1500, 2000, 2600] }
annual_attrition = 0.14
annual_salary = 62000
replacement_cost_share = 0.5

[adoption]
milestones = [ { date = "2027-09", share = 0.1 }, { date = "2029-03", share = 0.6 } ]
delay_months = { pert = [0, 1, 6] }

[[costs.one_off]]
name = "set-up & <integration>"
amount = { pert = [20000, 30000, 70000] }
date = "2027-01"

[[costs.recurring]]
name = "licence"
annual = 25000

[[costs.vendors]]
name = "Vendor \\"X\\""
contract_start = "2027-01"
unit = "recipients"
tiers = [ { up_to = 500, unit_price = 3.0 }, { unit_price = 1.5 } ]

[benefits.retention]
relative_attrition_reduction = { pert = [0.0, 0.02, 0.05] }
lag_months = 6

[benefits.paper]
certificates_per_year = 3000
print_cost = 3
postage_cost = 2
handling_minutes = 15
hourly_cost = 40

[budget]
annual = 40000

[stakeholders]
sponsor = "Chief Nursing Officer <b>"
decision_makers = ["Board", "Head of <i>HR</i>"]
approvers = ["Procurement"]
"""


def expected_charts(doc):
    """Every chart; the tornado only when some input is uncertain (there is nothing to rank otherwise)."""
    return CHARTS if doc["simulation"]["uncertain_inputs"] else CHARTS - {"tornado"}


def run(*args, check=False, timeout=300):
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"credroi {' '.join(map(str, args))} failed ({p.returncode}): {p.stderr}")
    return p


class Numbers(html.parser.HTMLParser):
    """Every <span class="num" data-key data-value>text</span>, and the tags seen."""

    def __init__(self):
        super().__init__()
        self.values, self.texts, self.tags = {}, {}, []
        self._key = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "span" and a.get("class") == "num":
            self._key = a["data-key"]
            value = a["data-value"]
            v = math.nan if value == "null" else float(value)
            if self._key in self.values and not (math.isnan(v) and math.isnan(self.values[self._key])):
                assert self.values[self._key] == v, f"{self._key} shown with two values"
            self.values[self._key] = v
            self.texts.setdefault(self._key, "")

    def handle_data(self, data):
        if self._key is not None:
            self.texts[self._key] += data

    def handle_endtag(self, tag):
        if tag == "span":
            self._key = None


def parse(path):
    p = Numbers()
    p.feed(pathlib.Path(path).read_text(encoding="utf-8"))
    return p


def close(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def shown_amount(text):
    """'EUR 1,234,567' or '−12,345' -> the number a reader sees."""
    t = text.replace("\u2212", "-").replace("\xa0", " ")
    m = re.search(r"-?[\d,]+(\.\d+)?", t)
    return float(m.group(0).replace(",", ""))


@pytest.fixture(scope="module")
def unseen(tmp_path_factory):
    path = tmp_path_factory.mktemp("unseen") / "unseen.toml"
    path.write_text(UNSEEN, encoding="utf-8")
    assert run("validate", path).returncode == 0, run("validate", path).stderr
    return path


def report_and_json(scenario, folder):
    out = folder / (scenario.stem + ".html")
    p = run("report", scenario, "--trials", TRIALS, "--seed", SEED, "-o", out, check=True)
    assert "wrote" in p.stderr
    doc = json.loads(run("run", scenario, "--format", "json", "--trials", TRIALS, "--seed", SEED, check=True).stdout)
    return out, doc


def check_against_run(report, doc):
    n = parse(report)
    v = n.values
    sim = doc["simulation"]
    npv = sim["metrics"]["npv"]
    assert close(v["npv:mean"], npv["mean"]) and close(v["npv:p10"], npv["p10"]) and close(v["npv:p90"], npv["p90"])
    assert close(v["npv:base"], doc["metrics"]["npv"]) and close(v["base:npv"], doc["metrics"]["npv"])
    assert close(v["probability_npv_positive"], sim["probability_npv_positive"])
    assert close(v["probability_payback_within_horizon"], sim["probability_payback_within_horizon"])
    if doc["metrics"]["payback_months"] is not None:
        assert close(v["payback_months:base"], doc["metrics"]["payback_months"])
    assert close(v["base:pv_costs"], doc["metrics"]["pv_costs"])
    assert close(v["base:total_costs"], doc["metrics"]["total_costs"])
    # what a reader sees is the engine's number, rounded
    assert shown_amount(n.texts["npv:mean"]) == round(npv["mean"])
    assert shown_amount(n.texts["npv:p10"]) == round(npv["p10"])
    # every metric's distribution
    for name, m in sim["metrics"].items():
        for col in ("base", "mean", "p5", "p10", "p50", "p90", "p95"):
            assert close(v[f"metric:{name}:{col}"], m[col]), (name, col)
    # the fiscal-year statement
    for fy in doc["fiscal_years"]:
        for key in ("costs", "benefits", "net", "cumulative_net"):
            assert close(v[f"fy:{fy['label']}:{key}"], fy[key]), (fy["label"], key)
        if fy["budget"] is not None:
            assert close(v[f"fy:{fy['label']}:budget"], fy["budget"])
            assert close(v[f"fy:{fy['label']}:shortfall"], fy["shortfall"])
            assert close(v[f"fy:{fy['label']}:probability_shortfall"], sim["probability_shortfall"][fy["label"]])
    # the summary lists exactly the years that may fall short, with their probability
    for label, p in sim["probability_shortfall"].items():
        key = f"probability_shortfall:{label}"
        assert (key in v) == (p > 0), label
        if p > 0:
            assert close(v[key], p)
    return n


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_report_numbers_are_those_of_credroi_run(example, tmp_path):
    out, doc = report_and_json(example, tmp_path)
    n = check_against_run(out, doc)
    text = out.read_text(encoding="utf-8")
    # reproducible: version, seed, trials and the date are printed
    assert f"seed {SEED}" in text and f"--trials {TRIALS} --seed {SEED}" in text
    assert f"credroi {doc['credroi_version']}" in text
    assert re.search(r"Run on \d{4}-\d{2}-\d{2}", text)
    assert html.escape(doc["scenario"]["name"], quote=False) in text
    # the three inputs NPV depends on most, from the tornado
    top = [a["data-input"] for tag, a in n.tags if tag == "li" and "data-input" in a]
    if doc["simulation"]["uncertain_inputs"]:
        tornado = json.loads(run("sensitivity", example, "--format", "json", check=True).stdout)
        assert top == [row["input"] for row in tornado["inputs"][:3]]
        for row in tornado["inputs"][:3]:
            assert close(n.values["tornado:" + row["input"]], row["swing"])
    else:
        assert top == [] and "No input is uncertain" in text
    # every section of the planning method, every chart
    for section in ("summary", "outlook", "budget", "authority", "need", "timeline", "sensitivity", "metrics-section", "inputs"):
        assert f'<section id="{section}">' in text
    for chart in expected_charts(doc):
        assert f'data-chart="{chart}"' in text


def test_report_of_an_unseen_scenario_matches_and_escapes_every_user_text(unseen, tmp_path):
    out, doc = report_and_json(unseen, tmp_path)
    n = check_against_run(out, doc)
    text = out.read_text(encoding="utf-8")
    # no element from the scenario's text: the only script is the report's own
    assert [t for t, _ in n.tags if t == "script"] == ["script"]
    assert not any(t in ("img", "b", "i", "em") for t, _ in n.tags)
    assert "<script>alert" not in text and "<img src=x" not in text and "</p><b>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s &lt;img src=x onerror=alert(1)&gt; plan" in text
    assert "Chief Nursing Officer &lt;b&gt;" in text and "Head of &lt;i&gt;HR&lt;/i&gt;" in text
    assert "CHF\xa0" in text  # amounts in the scenario's currency
    # fiscal years from October, named by their end: Jan-Sep 2027 is FY2027
    assert 'data-key="fy:FY2027:costs"' in text and "FY2027 (9 mo)" in text


def test_report_is_self_contained(unseen, tmp_path):
    out, _ = report_and_json(CORPORATE, tmp_path)
    for path in (out, report_and_json(unseen, tmp_path)[0]):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>")
        # nothing is fetched: the only URL is the SVG namespace name
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
        assert urls == {"http://www.w3.org/2000/svg"}
        assert "<link" not in text and "src=" not in text.replace("src=x", "") and "@import" not in text and "url(" not in text


def test_report_errors_leave_no_file(tmp_path, unseen):
    copy = tmp_path / "scenario.toml"
    copy.write_text(unseen.read_text())
    p = run("report", copy, "-o", copy)
    assert p.returncode != 0 and "refusing" in p.stderr
    assert copy.read_text() == unseen.read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(UNSEEN.replace("annual = 25000", "annual = -5"))
    out = tmp_path / "bad.html"
    p = run("report", bad, "-o", out)
    assert p.returncode == 1 and "costs.recurring[0].annual" in p.stderr and not out.exists()
    assert run("report", unseen, "--trials", "0", "-o", out).returncode != 0 and not out.exists()
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary file left behind


def test_same_seed_same_report(tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    run("report", CORPORATE, "--trials", 2000, "--seed", 5, "--threads", 1, "-o", a, check=True)
    run("report", CORPORATE, "--trials", 2000, "--seed", 5, "--threads", 2, "-o", b, check=True)
    assert a.read_text() == b.read_text()


# ---------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vendor_b(tmp_path_factory):
    """The corporate example with a cheaper platform quote: one price differs."""
    text = CORPORATE.read_text(encoding="utf-8")
    old = "annual = { pert = [20000, 30000, 60000] }"
    assert old in text
    text = text.replace(old, "annual = { pert = [15000, 25000, 50000] }")
    text = re.sub(r'^name = "Corporate[^"]*"', 'name = "Corporate, vendor B"', text, count=1, flags=re.M)
    path = tmp_path_factory.mktemp("compare") / "vendor-b.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_compare_json_common_random_numbers(vendor_b):
    doc = json.loads(run("compare", CORPORATE, vendor_b, "--trials", TRIALS, "--seed", SEED, "--format", "json", check=True).stdout)
    assert [s["name"] for s in doc["scenarios"]] == ["Corporate L&D digital badges (12,000 staff)", "Corporate, vendor B"]
    assert doc["common_random_numbers"] is True and doc["seed"] == SEED and doc["trials"] == TRIALS
    # each scenario's simulation is the one `credroi run` gives for the same seed
    for path, s in zip((CORPORATE, vendor_b), doc["scenarios"]):
        ran = json.loads(run("run", path, "--format", "json", "--trials", TRIALS, "--seed", SEED, check=True).stdout)
        assert close(s["simulation"]["metrics"]["npv"]["mean"], ran["simulation"]["metrics"]["npv"]["mean"])
        assert close(s["base"]["npv"], ran["metrics"]["npv"])
    (d,) = doc["differences"]
    a, b = (s["simulation"]["metrics"]["npv"]["mean"] for s in doc["scenarios"])
    assert close(d["mean_difference"], b - a) or math.isclose(d["mean_difference"], b - a, rel_tol=1e-9)
    # the quote is lower everywhere, so B is better in every trial, and the
    # paired difference is measured far more precisely than by independent runs
    assert d["mean_difference"] > 0 and d["probability_better"] == 1.0
    assert d["standard_error"] * 10 < d["independent_standard_error"]
    assert d["variance_reduction"] > 100
    assert len(d["shared_inputs"]) == len(doc["scenarios"][0]["simulation"]["uncertain_inputs"])


def test_compare_table_csv_and_report(vendor_b, tmp_path):
    table = run("compare", CORPORATE, vendor_b, "--trials", 1000, check=True).stdout
    assert "Corporate, vendor B minus Corporate L&D" in table
    assert "standard error, common random numbers" in table and "had the runs been independent" in table
    csv = run("compare", CORPORATE, vendor_b, "--trials", 1000, "--format", "csv", check=True).stdout.splitlines()
    assert csv[0].startswith("scenario,metric,base,mean")
    assert any(line.startswith("Corporate, vendor B minus") or line.startswith('"Corporate, vendor B minus') for line in csv)
    out, rep = tmp_path / "table.txt", tmp_path / "compare.html"
    run("compare", CORPORATE, vendor_b, "--trials", 1000, "-o", out, "--report", rep, check=True)
    assert out.read_text() == table
    n = parse(rep)
    doc = json.loads(run("compare", CORPORATE, vendor_b, "--trials", 1000, "--format", "json", check=True).stdout)
    assert close(n.values["difference:1:mean"], doc["differences"][0]["mean_difference"])
    assert close(n.values["scenario:1:npv:mean"], doc["scenarios"][1]["simulation"]["metrics"]["npv"]["mean"])
    text = rep.read_text(encoding="utf-8")
    for chart in ("compare-npv", "compare-cumulative", "difference-1"):
        assert f'data-chart="{chart}"' in text
    # the cumulative chart: each scenario's P10-P90 band (a polygon) under its median line
    cumulative = text.split('data-chart="compare-cumulative"', 1)[1].split("</figure>", 1)[0]
    assert cumulative.count("<polygon") == 2
    assert cumulative.count("<polyline") >= 2


def test_compare_errors(tmp_path, unseen):
    p = run("compare", CORPORATE)
    assert p.returncode != 0 and "at least two" in p.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\nname = 'x'\nhorizon_months = -3\n")
    out = tmp_path / "out.json"
    p = run("compare", CORPORATE, bad, "--format", "json", "-o", out)
    assert p.returncode == 1 and "bad.toml" in p.stderr and not out.exists()
    p = run("compare", CORPORATE, unseen)  # EUR against CHF
    assert p.returncode == 1 and "currency" in p.stderr
    p = run("compare", CORPORATE, tmp_path / "missing.toml")
    assert p.returncode != 0 and "missing.toml" in p.stderr


# ---------------------------------------------------------------------------
# In a real browser
# ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package chromium; scripts/setup test installs it)")


def artefact_dir():
    """CREDROI_ARTEFACTS, else test-artefacts/report beside the binary (the build folder), else the temp folder."""
    default = pathlib.Path(BIN).resolve().parent / "test-artefacts" / "report"
    if not os.access(pathlib.Path(BIN).resolve().parent, os.W_OK):
        default = pathlib.Path(tempfile.gettempdir()) / "credroi-report-artefacts"
    d = pathlib.Path(os.environ.get("CREDROI_ARTEFACTS", default))
    d.mkdir(parents=True, exist_ok=True)
    return d


def chromium(*args, profile):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           f"--user-data-dir={profile}", "--virtual-time-budget=10000", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


class Figures(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures, self.body = {}, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "data-chart" in a:
            self.figures[a["data-chart"]] = a
        if tag == "body":
            self.body = a


def check_in_browser(page, expected, name, tmp_path):
    dom = chromium("--dump-dom", page.resolve().as_uri(), profile=tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    f = Figures()
    f.feed(dom.stdout)
    assert f.body.get("data-charts-measured") == str(len(f.figures)), "the page's load script did not run"
    assert expected <= set(f.figures), f"missing charts: {expected - set(f.figures)}"
    for chart, a in f.figures.items():
        # drawn: marks exist and cover a real area; laid out at a readable size
        assert int(a["data-marks"]) >= 2, chart
        assert float(a["data-marks-width"]) > 100 and float(a["data-marks-height"]) > 40, (chart, a)
        assert int(a["data-svg-width"]) >= 600, (chart, a)
    shot = artefact_dir() / f"{name}.png"
    p = chromium(f"--screenshot={shot}", "--window-size=1280,4000", page.resolve().as_uri(), profile=tmp_path / "profile")
    assert p.returncode == 0 and shot.exists() and shot.stat().st_size > 20000, p.stderr[-2000:]
    shutil.copy(page, artefact_dir() / page.name)
    print(f"\nscreenshot of {page.name}: {shot} (artefacts in {artefact_dir()})")


@needs_chromium
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_report_renders_in_chromium(example, tmp_path):
    out = tmp_path / (example.stem + "-report.html")
    run("report", example, "--trials", 2000, "-o", out, check=True)
    doc = json.loads(run("run", example, "--format", "json", "--trials", 10, check=True).stdout)
    check_in_browser(out, expected_charts(doc), example.stem + "-report", tmp_path)


@needs_chromium
def test_unseen_and_comparison_reports_render_in_chromium(unseen, vendor_b, tmp_path):
    out = tmp_path / "unseen-report.html"
    run("report", unseen, "--trials", 2000, "-o", out, check=True)
    check_in_browser(out, CHARTS, "unseen-report", tmp_path)
    rep = tmp_path / "comparison-report.html"
    run("compare", CORPORATE, vendor_b, "--trials", 2000, "--report", rep, check=True)
    check_in_browser(rep, {"compare-npv", "compare-cumulative", "difference-1"}, "comparison-report", tmp_path)
