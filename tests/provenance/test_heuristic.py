"""The multi-line-insertion heuristic for one didChange content change."""

from __future__ import annotations

from pavedroad.config.model import ProvenanceSettings
from pavedroad.provenance.heuristic import RecentOrigins, classify_change, is_block

S = ProvenanceSettings()  # min_lines=3, min_chars=120
URI = "file:///w/a.py"
BLOCK = "def f(x):\n    y = x * 2\n    return y\n"


def verdict(text: str, origins: RecentOrigins | None = None, **kw: object) -> str | None:
    kw.setdefault("start", (4, 0))
    return classify_change(
        uri=URI,
        version=kw.pop("version", 2),
        text=text,
        settings=S,  # type: ignore[arg-type]
        origins=origins or RecentOrigins(),
        **kw,  # type: ignore[arg-type]
    ).source


def test_typing_and_ide_helpers_are_not_blocks() -> None:
    assert verdict("x") is None
    assert verdict("()") is None
    assert verdict("\n    ") is None  # auto-indent on Enter
    assert verdict("\n\n}") is None  # auto-close: one non-blank line
    assert verdict("for x in y:\n    pass") is None  # two-line snippet
    assert verdict("very_long_identifier_completion(argument_one, argument_two)") is None


def test_blocks_are_probable_ai() -> None:
    assert verdict(BLOCK) == "heuristic"
    assert verdict("x = " + "a" * 130) == "heuristic"  # one long line over min_chars


def test_whitespace_only_and_whole_document_never_count() -> None:
    assert verdict("\n\n    \n\t\n") is None
    assert verdict(BLOCK, whole_document=True) is None
    assert verdict(BLOCK, start=None) is None  # full sync


def test_thresholds_come_from_settings() -> None:
    strict = ProvenanceSettings(min_lines=2, min_chars=40)
    assert is_block("a = 1\nb = 2", strict)
    assert not is_block("a = 1\nb = 2", S)


def test_client_reported_origin_wins() -> None:
    origins = RecentOrigins()
    origins.record(URI, 2, "paste", (4, 0))
    assert verdict(BLOCK, origins) is None
    # a different start position or version is a different change
    assert verdict(BLOCK, origins, start=(9, 0)) == "heuristic"
    assert verdict(BLOCK, origins, version=3) == "heuristic"
    origins.record(URI, 5, "typing")  # no range: the whole version
    assert verdict(BLOCK, origins, version=5, start=(1, 1)) is None
    origins.record(URI, 6, "ai", (0, 0))
    assert verdict("x", origins, version=6, start=(0, 0)) == "explicit"


def test_formatter_reorder_and_undo_are_not_ai() -> None:
    assert (
        verdict("def f(x):\n  y = x*2\n  return y\n", replaced_text=BLOCK.replace("*", " * "))
        is None
    )
    imports = "import a\nimport b\nimport c\n"
    assert verdict(imports, replaced_text="import c\nimport a\nimport b\n") is None
    origins = RecentOrigins()
    # a block is deleted (cut), then inserted elsewhere (paste / undo)
    assert verdict("", origins, replaced_text=BLOCK) is None
    assert verdict(BLOCK, origins, version=3, start=(20, 0)) is None
    # a different block is still probable AI
    assert verdict(BLOCK.replace("2", "3"), origins, version=4) == "heuristic"


def test_origins_memory_is_bounded_and_forgettable() -> None:
    origins = RecentOrigins(capacity=3)
    for v in range(10):
        origins.record(URI, v, "paste")
    assert origins.lookup(URI, 0) is None
    assert origins.lookup(URI, 9) == "paste"
    origins.note_removed(URI, BLOCK)
    origins.forget(URI)
    assert origins.lookup(URI, 9) is None
    assert not origins.was_removed(URI, BLOCK)
