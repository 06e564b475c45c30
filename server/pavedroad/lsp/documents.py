"""Per-document state kept by the server: text, line index, and an incrementally edited syntax tree.

pygls applies content changes to its own document before our handler runs, so we keep our own copy
of the previous text to turn each LSP change range into a tree-sitter edit.

Changes are coalesced: `apply_changes` only edits the text and the old tree (`Tree.edit`, cheap);
the reparse happens once, when something needs the tree (`current_tree`), so a burst of
keystrokes costs one incremental parse, not one per keystroke. The reparse replaces the old tree,
which is then dropped (nothing else holds it), so memory stays flat while typing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from tree_sitter import Point

from pavedroad.analysis.classify import MAX_PARSE_BYTES
from pavedroad.analysis.languages import language_for_path, parser
from pavedroad.analysis.model import FileZones
from pavedroad.lsp.positions import LineIndex


@dataclass(frozen=True)
class AppliedEdit:
    """One content change as applied: str offsets in the text before it, and both texts."""

    start: int
    old_end: int
    new_text: str
    old_text: str
    #: (line, character) of the change start as the client sent it; None for a whole-document change
    start_position: tuple[int, int] | None


@dataclass
class DocumentState:
    uri: str
    path: Path | None
    root: Path | None
    rel_path: str | None
    version: int
    text: str
    encoding: str
    language: str | None = None
    tree: Any = None
    index: LineIndex = field(init=False)
    data: bytes = field(init=False)
    #: classification of `version`, or None when not computed yet
    zones: FileZones | None = None
    zones_version: int | None = None
    #: policy digest of the config `zones` was computed with (a reload makes them stale)
    zones_digest: str | None = None
    #: diagnostics of `version`, for pull clients and to avoid republishing identical lists
    diagnostics: list[types.Diagnostic] | None = None
    diagnostics_version: int | None = None
    #: bumped when diagnostics change without an edit (aiEdit, editOrigin, blame), so pull
    #: clients get a new result id, and flagged so the server asks them to pull again
    revision: int = 0
    needs_refresh: bool = False
    #: the tree was edited (`Tree.edit`) but not reparsed since
    tree_stale: bool = False
    #: line changes since `zones` was computed: (first changed line 0-based, lines added)
    line_shifts: list[tuple[int, int]] = field(default_factory=list)

    def invalidate(self) -> None:
        """Diagnostics of this version are stale for a reason other than an edit."""
        self.diagnostics = None
        self.revision += 1
        self.needs_refresh = True

    def __post_init__(self) -> None:
        self.language = language_for_path(self.rel_path or (self.path.name if self.path else ""))
        self._snapshot(self.text)
        self.tree = self._parse_full()

    @property
    def parseable(self) -> bool:
        return self.language is not None and len(self.data) <= MAX_PARSE_BYTES

    def current_tree(self) -> Any:
        """The syntax tree of the current text, reparsed incrementally if edits are pending."""
        if self.tree_stale and self.tree is not None and self.language is not None:
            self.tree = parser(self.language).parse(self.data, self.tree)
        self.tree_stale = False
        return self.tree

    def _snapshot(self, text: str) -> None:
        self.text = text
        self.index = LineIndex(text, self.encoding)
        self.data = text.encode("utf-8", "surrogatepass")

    def _parse_full(self) -> Any:
        if not self.parseable or self.language is None:
            return None
        return parser(self.language).parse(self.data)

    def apply_changes(
        self, version: int, changes: list[types.TextDocumentContentChangeEvent], final_text: str
    ) -> list[AppliedEdit]:
        """Apply LSP content changes in order and return them as str-offset edits.

        `final_text` is pygls' view of the document after the changes; if ours disagrees (a client
        bug or a missed message) we resynchronise from it and reparse from scratch.
        """
        edits: list[AppliedEdit] = []
        original = text = self.text
        tree = self.tree
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = self.index.offset_at(change.range.start)
                end = max(start, self.index.offset_at(change.range.end))
                if tree is not None:
                    start_byte, old_end_byte = self.index.byte_offset(start), self.index.byte_offset(end)
                    start_point, old_end_point = self.index.point(start), self.index.point(end)
                position = (change.range.start.line, change.range.start.character)
                edits.append(AppliedEdit(start, end, change.text, text[start:end], position))
                text = text[:start] + change.text + text[end:]
                self._snapshot(text)
                if tree is not None:
                    new_end = start + len(change.text)
                    tree.edit(
                        start_byte=start_byte,
                        old_end_byte=old_end_byte,
                        new_end_byte=self.index.byte_offset(new_end),
                        start_point=Point(*start_point),
                        old_end_point=Point(*old_end_point),
                        new_end_point=Point(*self.index.point(new_end)),
                    )
            else:  # whole-document replacement
                edits.append(AppliedEdit(0, len(text), change.text, text, None))
                text = change.text
                self._snapshot(text)
                tree = None
        if text != final_text:
            self._snapshot(final_text)
            tree = None
            edits = [AppliedEdit(0, len(original), final_text, original, None)]
        self.version = version
        if tree is not None and self.parseable:
            self.tree, self.tree_stale = tree, True  # reparsed on demand (`current_tree`)
        else:
            self.tree, self.tree_stale = self._parse_full(), False
        for edit in edits:
            self._remember_shift(edit)
        self.diagnostics = None
        return edits

    def _remember_shift(self, edit: AppliedEdit) -> None:
        if edit.start_position is None:
            self.line_shifts.append((0, 1 << 30))  # whole-document change: nothing maps
            return
        added = edit.new_text.count("\n") - edit.old_text.count("\n")
        self.line_shifts.append((edit.start_position[0], added))
        if len(self.line_shifts) > 1024:
            self.line_shifts = [(0, 1 << 30)]
