"""`benchmarks/zone_drift.py`: what left every zone is counted and listed by position, never by content."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import zone_drift


def region(zone: str, start: int, end: int, symbol: str | None) -> dict[str, object]:
    return {"zone": zone, "start_line": start, "end_line": end, "symbol": symbol, "reasons": ["import x"]}


def test_lines_that_left_every_zone_are_counted_and_listed(capsys: pytest.CaptureFixture[str]) -> None:
    before = [{"path": "src/Tls.java", "regions": [region("crypto", 1, 40, "Tls"), region("auth", 10, 12, "Tls.login")]}]
    after = [{"path": "src/Tls.java", "regions": [region("crypto", 1, 5, "Tls"), region("auth", 10, 12, "Tls.login"),
                                                   region("auth", 50, 59, "Tls.check")]}]
    zone_drift.compare("demo", before, after, top=5)
    out = capsys.readouterr().out.splitlines()
    # crypto lost lines 6-40 (35); 10-12 are still in auth, so 32 left every zone; auth gained 50-59
    assert out[0] == ("demo: regions 2 -> 3; lines that left their zone 35, left every zone 32, "
                      "joined a zone 10")
    assert out[1].split() == ["-", "35", "(in", "no", "zone", "now:", "32)", "src/Tls.java:1-40", "[crypto]", "Tls"]
    assert len(out) == 2  # the unchanged auth region is not listed


@pytest.mark.parametrize(("spec", "error"), [
    ("nosuch=/", "--tree: no corpus app named nosuch"),  # a typo would compare without the tree
    ("activemq=/nonexistent/tree", "expected APP=DIR with an existing directory"),
    ("activemq", "expected APP=DIR with an existing directory"),
])
def test_a_tree_option_that_cannot_apply_is_refused(spec: str, error: str) -> None:
    script = Path(zone_drift.__file__)
    result = subprocess.run([sys.executable, str(script), "HEAD", "--tree", spec],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert error in result.stderr
