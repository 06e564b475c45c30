"""The report page in a real browser: Debian's chromium driven by playwright-core (the set-up of
the editor tests), offline. The page loads with no console error and no request, every chart is
drawn with a real size, the screenshot shows the charts' colours, and printing hides the
navigation. Screenshots (screen, print) and a PDF are kept under .test-artifacts/report/.

Skips when chromium or playwright-core is missing, except under CI=true where that fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pavedroad.report import build_report, render, report_data
from pavedroad.report.aggregate import Window
from pavedroad.report.collect import collect

from .conftest import NOW, Sample, build_sample
from .pngread import color_count, read_png

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = Path(os.environ.get("PAVEDROAD_ARTIFACTS", REPO / ".test-artifacts")) / "report"
PLAYWRIGHT = REPO / "vscode-client" / "node_modules" / "playwright-core"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))

pytestmark = pytest.mark.editor


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _need(found: bool, what: str) -> None:
    if found:
        return
    reason = f"{what} not found: run `bash scripts/setup-editors.sh`"
    if _in_ci():
        pytest.fail(f"{reason} [CI is set, so a missing browser is a failure]", pytrace=False)
    pytest.skip(reason)


def _drive(page: Path, name: str) -> dict[str, object]:
    _need(CHROMIUM.exists(), f"chromium ({CHROMIUM})")
    _need(PLAYWRIGHT.is_dir(), "playwright-core (vscode-client devDependency)")
    _need(shutil.which("node") is not None, "node")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PAGE=str(page), OUT=str(ARTIFACTS), NAME=name,
               PLAYWRIGHT_CORE=str(PLAYWRIGHT), CHROMIUM=str(CHROMIUM))  # fmt: skip
    run = subprocess.run(["node", str(HERE / "page_driver.js")], env=env, capture_output=True,
                         text=True, timeout=120, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _check_page(result: dict[str, object], *, min_charts: int) -> None:
    assert result["console"] == [] and result["pageErrors"] == [], result
    assert result["requests"] == []  # nothing fetched at view time
    charts = result["charts"]
    assert isinstance(charts, list) and len(charts) >= min_charts
    for chart in charts:
        assert chart["width"] > 100 and chart["height"] > 20, chart
        assert chart["marks"] >= 1, chart
    assert result["printNavHidden"] is True
    assert int(result["pdfBytes"]) > 10_000  # type: ignore[call-overload]
    links = {str(h)[1:] for h in result["links"]}  # type: ignore[attr-defined]
    assert links <= set(result["anchors"])  # type: ignore[arg-type]  # every in-page link lands


def test_repo_report_renders_in_chromium(sample: Sample, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(build_report(sample.root, sample.config, now=NOW), "html"))
    result = _drive(page, "repo")
    _check_page(result, min_charts=8)
    labels = [c["label"] for c in result["charts"]]  # type: ignore[attr-defined]
    assert "AI-written lines per week, all zones" in labels
    assert "time from AI change to sign-off" in labels
    # the viewport screenshot is not blank and shows the risk bars and the weekly columns
    width, height, rows = read_png(Path(result["screenshots"][1]))  # type: ignore[index]
    assert (width, height) == (1280, 900)
    distinct = {row[i : i + 3] for row in rows[::8] for i in range(0, len(row), 24)}
    assert len(distinct) > 20
    assert color_count(rows, (0xB7, 0x1C, 0x1C)) > 500  # deny bar
    assert color_count(rows, (0x2E, 0x7D, 0x32)) > 500  # signed-off column


def test_org_report_renders_in_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVEDROAD_ACTOR", "dev@example.com")
    facts = []
    for name in ("acme-payments", "acme-web"):
        s = build_sample(tmp_path / name, with_log=name == "acme-payments")
        facts.append(collect(s.root, s.config, now=NOW, repo_id=f"github.com/acme/{name[5:]}"))
    data = report_data(facts, Window(NOW.date().replace(month=1, day=1), NOW.date()), now=NOW,
                       org=True, source="sqlite")  # fmt: skip
    page = tmp_path / "org.html"
    page.write_text(render(data, "html"))
    result = _drive(page, "org")
    _check_page(result, min_charts=15)
    anchors = set(result["anchors"])  # type: ignore[arg-type]
    assert {"overview", "r-github-com-acme-payments", "r-github-com-acme-web-z-auth"} <= anchors
