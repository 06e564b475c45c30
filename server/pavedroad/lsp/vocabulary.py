""""Add to zone": the team's own vocabulary, named from the editor.

`pavedroad zones --suggest` lists the repository's functions and methods whose names sound like a
zone's code (`allowPublish`, `loadPassword`) but are in no such zone; a team that reviews that list
and commits the rules closes most of what the presets miss on code they were never tuned on
(docs/zones.md section 8.3). In the editor the same candidates are offered where the developer
stands: with the cursor on such a definition, a code action adds an exact-name `symbols` rule for
it to the repository's `.pavedroad.yaml` (the change then goes through review like any other
commit; a repository config only ever adds rules to a central zone).

Classes are not offered, as in the CLI: a class rule puts every member in the zone. The edit is
a single insertion that keeps the file as written (`config.edit`), computed against the editor's
buffer of the config when it is open; a config it cannot edit safely gets no action.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability

from pavedroad.analysis import vocabulary
from pavedroad.config.edit import Insertion, add_symbols_rule, exact_names_rule
from pavedroad.config.loader import MAX_FILE_BYTES
from pavedroad.fileio import is_within, read_regular
from pavedroad.lsp.documents import DocumentState
from pavedroad.lsp.positions import LineIndex
from pavedroad.lsp.roots import RootState
from pavedroad.lsp.server import PavedroadServer
from pavedroad.shown import shown

#: How far below a definition's first line (decorators, annotations) its name may be.
_NAME_LINES = 6
#: Config edits remembered (a handful of definitions per config version in practice).
_EDITS_KEPT = 256


class VocabularyFeature:
    def __init__(self, server: PavedroadServer) -> None:
        self.server = server
        #: uri -> (document version, policy digest, candidates): code actions are asked for on
        #: every cursor move, the candidates change only with the text or the config
        self.cached: dict[str, tuple[int, str, list[vocabulary.Candidate]]] = {}
        #: (config text digest, zone, name) -> the insertion (or None): parsing the config is
        #: the costly part, and the cursor comes back to the same definition again and again
        self.edits: dict[tuple[str, str, str], Insertion | None] = {}

    def code_actions(self, server: PavedroadServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        only = params.context.only
        if only and not any(types.CodeActionKind.RefactorRewrite.value.startswith(k) for k in only):
            return []
        doc = server.documents.get(params.text_document.uri)
        if doc is None or doc.language not in vocabulary.LANGUAGES or doc.rel_path is None:
            return []
        state = server.root_state(doc)
        if state is None:
            return []
        line = params.range.start.line
        out = []
        for candidate in self._candidates(doc, state):
            if candidate.kind != "class" and _names_at(doc.index, candidate, line):
                action = self._action(doc, state, candidate)
                if action is not None:
                    out.append(action)
        return out

    def _candidates(self, doc: DocumentState, state: RootState) -> list[vocabulary.Candidate]:
        digest = state.config.digest
        cached = self.cached.get(doc.uri)
        if cached is not None and cached[:2] == (doc.version, digest):
            return cached[2]
        wanted = vocabulary.for_zones(state.config.zones)
        found: list[vocabulary.Candidate] = []
        regions = self.server.regions_now(doc)
        if (wanted and doc.parseable and regions is not None and doc.rel_path is not None
                and not vocabulary.in_exclusive_zone(state.config.zones, state.classifier.path_zones(doc.rel_path))):
            found = vocabulary.candidates(doc.language or "", doc.data, regions, wanted, tree=doc.current_tree())
        self.cached[doc.uri] = (doc.version, digest, found)
        return found

    def _insertion(self, text: str, candidate: vocabulary.Candidate) -> Insertion | None:
        key = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), candidate.zone, candidate.name)
        if key not in self.edits:
            if len(self.edits) >= _EDITS_KEPT:
                self.edits.clear()
            self.edits[key] = add_symbols_rule(text, candidate.zone, exact_names_rule([candidate.name]))
        return self.edits[key]

    def _action(self, doc: DocumentState, state: RootState, candidate: vocabulary.Candidate) -> types.CodeAction | None:
        config = state.config_file
        # a name from a hostile file may hold bidi overrides or control characters: shown escaped
        title = f"Add `{shown(candidate.name)}` to zone {candidate.zone} ({config.name})"
        open_config = next((d for d in self.server.documents.values() if d.path == config), None)
        version: int | None = None
        if open_config is not None:
            text, version = open_config.text, open_config.version
        else:
            on_disk = _read(config, state.root)
            if on_disk is None:
                return None
            text = on_disk
        insertion = self._insertion(text, candidate)
        if insertion is None:
            return None
        index = LineIndex(text, self.server.encoding)
        at = index.position_at(insertion.offset)
        edit = types.TextEdit(range=types.Range(start=at, end=at), new_text=insertion.text)
        uri = config.as_uri()
        exists = open_config is not None or config.exists() or config.is_symlink()
        if not exists and not _can_create(self.server):
            return None
        if exists and not get_capability(
                self.server.client_capabilities, "workspace.workspace_edit.document_changes", False):
            return types.CodeAction(title=title, kind=types.CodeActionKind.RefactorRewrite,
                                    edit=types.WorkspaceEdit(changes={uri: [edit]}))
        changes: list[Any] = []
        if not exists:
            # not `ignoreIfExists`: a file created in the meantime would get a second `version`
            # and `zones` prepended (a duplicate key: the config would stop loading)
            changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False,
                                                                                    ignore_if_exists=False)))
        changes.append(types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=[edit]))
        return types.CodeAction(
            title=title, kind=types.CodeActionKind.RefactorRewrite,
            edit=types.WorkspaceEdit(document_changes=changes))


def _names_at(index: LineIndex, candidate: vocabulary.Candidate, line: int) -> bool:
    """Whether 0-based `line` is the definition's first line or the line below it that names it."""
    first = candidate.line - 1
    if line == first:
        return True
    if not first < line <= first + _NAME_LINES:
        return False
    named = next((n for n in range(first, first + _NAME_LINES + 1) if candidate.name in index.line_text(n)), first)
    return line == named


def _read(path: Path, root: Path) -> str | None:
    """The config's text ("" when there is none yet: the action creates it), or None when it is
    not a file the config loader would read: a symlink out of the repository, a FIFO or a device
    (never opened in a blocking way), too large, not UTF-8."""
    if not path.exists() and not path.is_symlink():
        return ""
    if not is_within(path, root):
        return None
    try:
        data, size = read_regular(path, MAX_FILE_BYTES)
        return data.decode("utf-8") if size <= MAX_FILE_BYTES else None
    except (OSError, UnicodeDecodeError):
        return None


def _can_create(server: PavedroadServer) -> bool:
    operations = get_capability(server.client_capabilities, "workspace.workspace_edit.resource_operations", None)
    return operations is not None and types.ResourceOperationKind.Create in operations


def register(server: PavedroadServer) -> None:
    feature = VocabularyFeature(server)
    server.code_action_providers.append(feature.code_actions)
    server.close_hooks.append(lambda _ls, uri: feature.cached.pop(uri, None))
