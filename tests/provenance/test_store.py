"""Persisted live ranges: survive a restart, re-anchor by content, never store code."""

from __future__ import annotations

import json
from pathlib import Path

from pavedroad.provenance.ranges import AiRange
from pavedroad.provenance.store import RANGES_DIR, RangeStore

BLOCK = "def secret_sauce(token):\n    return hmac(token)\n"
TEXT = "import os\n\n" + BLOCK + "\nprint('done')\n"


def make(text: str, block: str = BLOCK, **kw: object) -> AiRange:
    start = text.index(block)
    return AiRange(start, start + len(block), kw.pop("source", "explicit"), **kw)  # type: ignore[arg-type]


def test_roundtrip_unchanged(tmp_path: Path) -> None:
    store = RangeStore(tmp_path)
    r = make(TEXT, tool="Claude", created="2026-01-01T00:00:00Z", replaced="old code")
    store.save("src/a.py", TEXT, [r])
    (loaded,) = RangeStore(tmp_path).load("src/a.py", TEXT)
    assert (loaded.start, loaded.end, loaded.source, loaded.tool, loaded.created) == (
        r.start,
        r.end,
        "explicit",
        "Claude",
        "2026-01-01T00:00:00Z",
    )
    assert loaded.replaced is None  # revert text is never persisted
    assert store.paths() == ["src/a.py"]


def test_local_dir_is_gitignored_and_holds_no_code(tmp_path: Path) -> None:
    store = RangeStore(tmp_path)
    store.save("a.py", TEXT, [make(TEXT, replaced="previous secret code")])
    assert (tmp_path / ".pavedroad/.local/.gitignore").read_text().splitlines()[-1] == "*"
    (f,) = (tmp_path / RANGES_DIR).glob("*.json")
    raw = f.read_text()
    for needle in ("secret_sauce", "hmac", "previous secret code", "import os"):
        assert needle not in raw
    doc = json.loads(raw)
    assert doc["path"] == "a.py" and len(doc["ranges"]) == 1


def test_reanchor_after_edit_above(tmp_path: Path) -> None:
    store = RangeStore(tmp_path)
    store.save("a.py", TEXT, [make(TEXT)])
    changed = "# a header comment\n# another\n" + TEXT
    (loaded,) = store.load("a.py", changed)
    assert changed[loaded.start : loaded.end] == BLOCK


def test_reanchor_single_line_moved_column(tmp_path: Path) -> None:
    text = "x = 1\ny = compute_thing(a, b)\n"
    part = "compute_thing(a, b)"
    store = RangeStore(tmp_path)
    store.save("a.py", text, [make(text, part, source="heuristic")])
    changed = "x = 1\nyy = compute_thing(a, b)\n"  # the prefix of the line changed
    (loaded,) = store.load("a.py", changed)
    assert changed[loaded.start : loaded.end] == part and loaded.source == "heuristic"


def test_reanchor_prefers_nearest_and_context(tmp_path: Path) -> None:
    dup = "    return 1\n"
    text = "def a():\n" + dup + "\n" * 30 + "def b():\n" + dup
    second = text.rindex(dup)
    store = RangeStore(tmp_path)
    store.save("a.py", text, [AiRange(second, second + len(dup), "explicit")])
    changed = "# top\n" + text
    (loaded,) = store.load("a.py", changed)
    assert loaded.start == changed.rindex(dup)


def test_dropped_when_text_gone(tmp_path: Path) -> None:
    store = RangeStore(tmp_path)
    store.save("a.py", TEXT, [make(TEXT)])
    assert store.load("a.py", TEXT.replace("hmac", "sha256")) == []


def test_empty_save_deletes_and_history_is_not_stored(tmp_path: Path) -> None:
    store = RangeStore(tmp_path)
    store.save("a.py", TEXT, [make(TEXT)])
    store.save("a.py", TEXT, [make(TEXT, source="history")])
    assert store.paths() == []


def test_move_and_corrupt_files(tmp_path: Path) -> None:
    store = RangeStore(tmp_path)
    store.save("a.py", TEXT, [make(TEXT)])
    store.move("a.py", "b.py")
    assert store.paths() == ["b.py"]
    assert len(store.load("b.py", TEXT)) == 1
    (f,) = (tmp_path / RANGES_DIR).glob("*.json")
    f.write_text("{not json")
    assert store.load("b.py", TEXT) == [] and store.paths() == []
    doc = {"version": 1, "path": "b.py", "file_hash": "x", "ranges": [{"start": "bad"}]}
    f.write_text(json.dumps(doc))
    assert store.load("b.py", TEXT) == []
