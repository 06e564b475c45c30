"""Committed AI-written lines, from git history.

A line is AI-written when the commit that last touched it (``git blame``) either

* carries an AI trailer: ``Co-authored-by:`` naming an assistant (by name, or by a bot address
  such as ``noreply@anthropic.com`` or ``<id>+Copilot@users.noreply.github.com``),
  ``Assisted-by:`` or ``Generated-by:`` (any value: these trailers only exist for AI help);
* is an aider commit (author or committer name ending in "(aider)", or subject "aider: ...");
* or has a git-ai note under ``refs/notes/ai`` (``authorship/3.0.0``) listing that line of that
  file as written by an agent session (``h_`` human entries are ignored).

A trailer covers every line of its commit; a note covers the lines it lists. Both apply.

All git calls run without a shell, with a timeout and ``-c core.quotepath=off``; commit messages
of the commits involved are fetched with one batched ``git log`` and cached (commits are
immutable; the cache is dropped when ``refs/notes/ai`` moves). Nothing here raises for an
unusual repository: results carry a `reason` instead (not a repository, no commits, untracked
file, file outside the repository, git missing or too slow). In a shallow clone the lines blamed
on a shallow boundary commit predate the available history and are not attributed.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pavedroad.provenance.ranges import AiSpan

DEFAULT_TIMEOUT = 30.0
NOTES_REF = "refs/notes/ai"
NULL_SHA = "0" * 40

# --------------------------------------------------------------------------------------------
# recognising assistants


#: assistant token -> canonical tool name
_TOOLS = {
    "copilot": "Copilot",
    "claude": "Claude",
    "cursor": "Cursor",
    "codex": "Codex",
    "gemini": "Gemini",
    "aider": "aider",
    "devin": "Devin",
    "windsurf": "Windsurf",
    "codeium": "Windsurf",
    "cascade": "Windsurf",
    "chatgpt": "ChatGPT",
    "openai": "ChatGPT",
    "codewhisperer": "Amazon Q",
}
_VENDORS = {
    "github",
    "anthropic",
    "openai",
    "chatgpt",
    "google",
    "amazon",
    "aws",
    "cursor",
    "codeium",
}
#: words that may follow an assistant's name in a bot identity ("Claude Code", "Cursor Agent",
#: "copilot-swe-agent[bot]", "Claude Opus 4.5"); a name with any other word is a person's
_SUFFIX_WORDS = {
    "code", "agent", "agents", "cli", "assist", "assistant", "ai", "bot", "swe", "connector",
    "integration", "developer", "model", "chat", "cascade", "autopilot", "opus", "sonnet",
    "haiku", "pro", "flash", "ultra", "mini", "max", "turbo", "preview", "latest", "app",
    "coding", "for", "workspace", "review", "reviewer",
}  # fmt: skip
_SUFFIX_RE = re.compile(r"^(?:gpt[\w.\-]*|o\d+[\w.]*|v?\d[\w.]*|claude[\w.\-]*|gemini[\w.\-]*)$")
_GITHUB_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$")
_BOT_LOCALPARTS = {
    "noreply", "no-reply", "bot", "agent", "cursoragent", "codex", "claude", "aider", "devin",
    "windsurf", "assistant", "ai",
}  # fmt: skip
_BOT_DOMAINS = {
    "anthropic.com": "Claude",
    "cursor.com": "Cursor",
    "cursor.sh": "Cursor",
    "openai.com": "ChatGPT",
    "aider.chat": "aider",
    "codeium.com": "Windsurf",
    "windsurf.com": "Windsurf",
    "cognition.ai": "Devin",
    "devin.ai": "Devin",
}
_TRAILER_RE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9-]*)\s*:\s*(?P<value>.*)$")
_IDENT_RE = re.compile(r"^(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]*)>)?\s*$")


def assistant_from_name(name: str) -> str | None:
    """The canonical assistant a display name or login denotes, or None for a person.

    The name must be an assistant's name, optionally after vendor words ("GitHub Copilot",
    "OpenAI Codex", "Amazon Q") and followed only by product words ("Claude Code", "Cursor
    Agent", "copilot-swe-agent[bot]", "Claude Opus 4.5"). "Claude Dupont" is a person.
    """
    lowered = name.lower().replace("[bot]", " ")
    tokens = [t for t in re.split(r"[^a-z0-9.]+", lowered) if t]
    found: str | None = None
    for i, token in enumerate(tokens):
        if i and tokens[i - 1] not in _VENDORS:
            break
        if token == "q" and i and tokens[i - 1] in {"amazon", "aws"}:
            tool = "Amazon Q"
        elif token in _TOOLS:
            tool = _TOOLS[token]
        else:
            continue
        rest = tokens[i + 1 :]
        if all(w in _SUFFIX_WORDS or w in _TOOLS or _SUFFIX_RE.match(w) for w in rest):
            found = tool  # the last (most specific) match wins: "OpenAI Codex" -> Codex
    return found


def assistant_from_email(email: str) -> str | None:
    """The assistant a bot address denotes (GitHub noreply logins, vendors' noreply addresses)."""
    email = email.strip().lower()
    m = _GITHUB_NOREPLY.match(email)
    if m:
        return assistant_from_name(m.group("login"))
    local, _, domain = email.rpartition("@")
    if not local:
        return None
    tool = _BOT_DOMAINS.get(domain)
    if tool is None:
        return None
    if local in _BOT_LOCALPARTS or local.startswith(("noreply", "no-reply")):
        if domain == "openai.com" and "codex" in local:
            return "Codex"
        return tool
    return None


def assistant_from_ident(ident: str) -> str | None:
    """`Name <email>` (as in a Co-authored-by trailer) -> assistant, or None."""
    m = _IDENT_RE.match(ident.strip())
    if not m:
        return None
    return assistant_from_name(m.group("name") or "") or assistant_from_email(
        m.group("email") or ""
    )


def _free_tool_name(value: str) -> str:
    """Tool of an Assisted-by/Generated-by value: `AGENT:MODEL [TOOLS]`, `Name <email>`, `Name`."""
    known = assistant_from_ident(value)
    if known:
        return known
    head = re.split(r"[:<\[]", value, maxsplit=1)[0].strip()
    return head or "unknown assistant"


def commit_tool(
    *,
    author_name: str = "",
    author_email: str = "",
    committer_name: str = "",
    committer_email: str = "",
    subject: str = "",
    trailers: str = "",
) -> str | None:
    """The assistant credited by a commit's identity, subject or trailers, or None."""
    for name in (author_name, committer_name):
        if name.rstrip().endswith("(aider)"):
            return "aider"
    if subject.startswith("aider: "):
        return "aider"
    for line in trailers.splitlines():
        m = _TRAILER_RE.match(line.strip())
        if not m:
            continue
        key, value = m.group("key").lower(), m.group("value").strip()
        if key in {"assisted-by", "generated-by"} and value:
            return _free_tool_name(value)
        if key == "co-authored-by":
            tool = assistant_from_ident(value)
            if tool:
                return tool
    return None


# --------------------------------------------------------------------------------------------
# git-ai notes


LineRanges = list[tuple[int, int, str | None]]  # (first, last, tool), 1-based inclusive


def parse_git_ai_note(text: str) -> dict[str, LineRanges]:
    """Agent-written line ranges per file path from a git-ai ``authorship/3.0.0`` note.

    The attestation section (before a ``---`` line) has a path line, then ``  <key> <ranges>``
    lines; keys are legacy prompt hashes (16 hex), ``s_<session>::t_<trace>`` sessions, or
    ``h_<hash>`` humans (skipped). Tools come from the JSON metadata (``prompts`` / ``sessions``
    → ``agent_id.tool``). Prompt texts in the metadata are never looked at. Malformed parts are
    skipped.
    """
    attest, sep, meta_text = text.partition("\n---\n")
    if not sep and text.startswith("---\n"):
        attest, meta_text = "", text[4:]
    meta: dict[str, object] = {}
    if meta_text.strip():
        try:
            loaded = json.loads(meta_text)
        except ValueError:
            loaded = None
        if isinstance(loaded, dict):
            meta = loaded

    def tool_of(key: str) -> str | None:
        if key.startswith("s_"):
            table, ident = meta.get("sessions"), key.split("::", 1)[0]
        else:
            table, ident = meta.get("prompts"), key
        record = table.get(ident) if isinstance(table, dict) else None
        agent = record.get("agent_id") if isinstance(record, dict) else None
        tool = agent.get("tool") if isinstance(agent, dict) else None
        return tool if isinstance(tool, str) and tool else None

    files: dict[str, LineRanges] = {}
    current: str | None = None
    for line in attest.split("\n"):
        if not line.strip():
            continue
        if not line[0].isspace():
            path = line.rstrip()
            if path.startswith('"') and path.endswith('"') and len(path) >= 2:
                try:
                    path = json.loads(path)
                except ValueError:
                    path = path[1:-1]
            current = path
            continue
        if current is None:
            continue
        parts = line.split()
        if len(parts) != 2 or parts[0].startswith("h_"):
            continue
        key, spec = parts
        tool = tool_of(key)
        for piece in spec.split(","):
            lo, _, hi = piece.partition("-")
            try:
                first, last = int(lo), int(hi or lo)
            except ValueError:
                continue
            if 1 <= first <= last:
                files.setdefault(current, []).append((first, last, tool))
    return files


# --------------------------------------------------------------------------------------------
# running git


class GitError(Exception):
    """A git invocation failed; `reason` is a short, user-facing explanation."""

    def __init__(self, reason: str, stderr: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.stderr = stderr


def run_git(
    args: Sequence[str],
    cwd: str | os.PathLike[str],
    *,
    input: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> bytes:
    """Run git (no shell) and return stdout; raise `GitError` on failure or timeout."""
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    cmd = ["git", "-c", "core.quotepath=off", "-c", "color.ui=false", "-c", "core.fsmonitor=false", *args]
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    except NotADirectoryError as exc:
        raise GitError("not a directory") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} took longer than {timeout:g}s") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(
            f"git {args[0]} failed: {err.splitlines()[-1] if err else proc.returncode}", err
        )
    return proc.stdout


class UnknownRevision(GitError):
    """A revision given by the user (``--since``) does not name a commit."""


@dataclass(frozen=True)
class RepoInfo:
    top: str  # absolute path of the work tree
    prefix: str  # the workspace root relative to `top`, "" or ending in "/"
    head: str | None  # None: no commits yet
    shallow: frozenset[str] = frozenset()


def repo_info(root: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT) -> RepoInfo:
    """Locate the repository containing `root`; raise `GitError` when there is none."""
    try:
        out = run_git(
            ["rev-parse", "--show-toplevel", "--show-prefix", "--git-path", "shallow"],
            root,
            timeout=timeout,
        )
    except GitError as exc:
        if "not a git repository" in exc.stderr:
            raise GitError("not a git repository") from exc
        raise
    lines = out.decode("utf-8", "surrogateescape").split("\n")
    top, prefix, shallow_path = lines[0], lines[1], lines[2]
    try:
        head = run_git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], root, timeout=timeout)
        head_sha: str | None = head.decode().strip() or None
    except GitError:
        head_sha = None
    shallow: frozenset[str] = frozenset()
    shallow_file = Path(root, shallow_path)
    if shallow_file.is_file():
        shallow = frozenset(shallow_file.read_text("ascii", "replace").split())
    return RepoInfo(top=top, prefix=prefix, head=head_sha, shallow=shallow)


# --------------------------------------------------------------------------------------------
# commits


@dataclass(frozen=True)
class CommitInfo:
    """What history says about one commit: the whole-commit tool and the note's line ranges."""

    sha: str
    tool: str | None = None
    #: git-ai note: top-relative path -> agent line ranges in that commit's version of the file
    note: Mapping[str, LineRanges] = field(default_factory=dict)

    @property
    def is_ai(self) -> bool:
        return self.tool is not None or bool(self.note)


#: one record per commit: \x1e, fields separated by \x1f, a final \x1f; with ``--name-only -z``
#: the changed files follow, NUL-separated
_LOG_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%s%x1f%(trailers:unfold,only)%x1f%N%x1f"


def _log_args(extra: Sequence[str]) -> list[str]:
    return ["log", "--no-notes", f"--notes={NOTES_REF}", f"--format={_LOG_FORMAT}", *extra]


@dataclass(frozen=True)
class LoggedCommit:
    info: CommitInfo
    parents: tuple[str, ...]
    files: tuple[str, ...]  # only with --name-only


def parse_log_records(out: bytes) -> list[LoggedCommit]:
    """Parse output of `_log_args` (optionally with ``--name-only -z``), newest first."""
    commits = []
    for record in out.decode("utf-8", "surrogateescape").split("\x1e")[1:]:
        fields = record.split("\x1f")
        if len(fields) < 10:
            continue
        sha, parents, an, ae, cn, ce, subject, trailers, note = fields[:9]
        tail = "\x1f".join(fields[9:])
        files = tuple(f.lstrip("\n") for f in tail.split("\0") if f.strip("\n"))
        tool = commit_tool(
            author_name=an,
            author_email=ae,
            committer_name=cn,
            committer_email=ce,
            subject=subject,
            trailers=trailers,
        )
        parsed = parse_git_ai_note(note) if note.strip() else {}
        commits.append(LoggedCommit(CommitInfo(sha, tool, parsed), tuple(parents.split()), files))
    return commits


def parse_log(out: bytes) -> dict[str, CommitInfo]:
    """Commit infos (every commit, AI or not) from output of `_log_args`."""
    return {c.info.sha: c.info for c in parse_log_records(out)}


@dataclass(frozen=True)
class HistoryScan:
    """One pass over the history (`GitHistory.scan`): the AI commits, the files they attribute
    lines in, and per file the commits that touched it (to let blame skip all the others)."""

    since: str | None
    since_sha: str | None
    head: str
    ai: Mapping[str, CommitInfo]
    #: files (relative to the root) that AI commits touched (trailers) or listed (notes)
    touched: frozenset[str]
    #: path -> commits that changed it, newest first (the range is linear: no merge commits)
    chains: Mapping[str, tuple[str, ...]]
    parents: Mapping[str, tuple[str, ...]]
    linear: bool
    commit_count: int


# --------------------------------------------------------------------------------------------
# blame


@dataclass(frozen=True)
class BlameLine:
    final: int  # 1-based line in the blamed text
    sha: str
    orig: int  # 1-based line in that commit's version
    filename: str  # path in that commit, relative to the repository top
    boundary: bool


def parse_porcelain(out: bytes) -> list[BlameLine]:
    """Lines of ``git blame --porcelain`` output (header, key/value lines, then a tab line)."""
    result: list[BlameLine] = []
    filenames: dict[str, str] = {}
    boundaries: set[str] = set()
    sha = ""
    orig = final = 0
    group_file: str | None = None
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            result.append(
                BlameLine(final, sha, orig, group_file or filenames.get(sha, ""), sha in boundaries)
            )
            group_file = None
            continue
        line = raw.decode("utf-8", "surrogateescape")
        if len(line) > 41 and line[40] == " " and re.fullmatch(r"[0-9a-f]{40}", line[:40]):
            parts = line.split(" ")
            sha, orig, final = parts[0], int(parts[1]), int(parts[2])
            continue
        if line.startswith("filename "):
            group_file = line[9:]
            filenames[sha] = group_file
        elif line == "boundary":
            boundaries.add(sha)
    return result


@dataclass(frozen=True)
class BlameResult:
    """AI-written lines of one file. Empty with a `reason` when history could not be read."""

    path: str
    spans: tuple[AiSpan, ...] = ()
    reason: str | None = None
    #: remarks that do not empty the result ("shallow clone: 12 lines predate the history")
    notes: tuple[str, ...] = ()


def ai_spans_from_blame(
    lines: Iterable[BlameLine], infos: Mapping[str, CommitInfo | None], shallow: frozenset[str]
) -> tuple[list[AiSpan], int]:
    """Group AI-attributed blame lines into spans; also count lines lost to shallow history."""
    spans: list[AiSpan] = []
    shallow_lines = 0
    note_sets: dict[tuple[str, str], dict[int, str | None]] = {}
    for bl in lines:
        if bl.sha == NULL_SHA or bl.boundary:
            continue
        if bl.sha in shallow:
            shallow_lines += 1
            continue
        info = infos.get(bl.sha)
        if info is None:
            continue
        tool = info.tool
        ai = tool is not None
        if not ai and bl.filename in info.note:
            key = (bl.sha, bl.filename)
            if key not in note_sets:
                note_sets[key] = {
                    n: t
                    for first, last, t in info.note[bl.filename]
                    for n in range(first, last + 1)
                }
            if bl.orig in note_sets[key]:
                ai, tool = True, note_sets[key][bl.orig]
        if not ai:
            continue
        last = spans[-1] if spans else None
        if last and last.end_line == bl.final - 1 and last.commit == bl.sha and last.tool == tool:
            spans[-1] = AiSpan(last.start_line, bl.final, "history", tool, bl.sha)
        else:
            spans.append(AiSpan(bl.final, bl.final, "history", tool, bl.sha))
    return spans, shallow_lines


class GitHistory:
    """History provenance for one workspace root. Thread-safe for concurrent readers (the cache
    is a plain dict filled with immutable values)."""

    def __init__(self, root: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.root = os.fspath(root)
        self.timeout = timeout
        self._info: RepoInfo | None = None
        self._commits: dict[str, CommitInfo | None] = {}
        self._notes_oid: str | None = None
        self._scan: HistoryScan | None = None

    # -- repository ---------------------------------------------------------------------------

    def repo(self) -> RepoInfo:
        """The repository (cached); raises `GitError` when there is none."""
        if self._info is None or self._info.head is None:
            self._info = repo_info(self.root, self.timeout)
        return self._info

    def refresh(self) -> None:
        """Forget the cached repository state (after a commit, checkout or fetch)."""
        self._info = None
        self._scan = None

    def _sync_notes(self) -> None:
        out = run_git(
            ["for-each-ref", "--format=%(objectname)", NOTES_REF], self.root, timeout=self.timeout
        )
        oid = out.decode().strip() or None
        if oid != self._notes_oid:
            self._notes_oid = oid
            self._commits.clear()
            self._scan = None

    # -- commits --------------------------------------------------------------------------------

    def commit_infos(self, shas: Iterable[str]) -> dict[str, CommitInfo | None]:
        """Infos of the given commits, fetched with one ``git log --no-walk --stdin`` if needed."""
        wanted = {s for s in shas if s != NULL_SHA}
        missing = sorted(s for s in wanted if s not in self._commits)
        if missing:
            out = run_git(
                _log_args(["--no-walk=unsorted", "--stdin"]),
                self.root,
                input=("\n".join(missing) + "\n").encode(),
                timeout=self.timeout,
            )
            parsed = parse_log(out)
            for sha in missing:
                info = parsed.get(sha)
                self._commits[sha] = info if info is not None and info.is_ai else None
        return {s: self._commits.get(s) for s in wanted}

    def scan(self, since: str | None = None) -> HistoryScan:
        """One ``git log --name-only`` over HEAD's history (``since..HEAD`` when given).

        Every commit of the range is cached (later blames need no more ``git log``), and the scan
        is kept: `ai_lines` with the same `since` then knows that commits outside the cache are
        not AI, and on a linear range blames each file through only the commits that touched
        it (``git blame -S``), instead of walking the whole history once per file.
        """
        info = self.repo()
        if info.head is None:
            raise GitError("the repository has no commits yet")
        self._sync_notes()
        since_sha = None
        if since:
            try:
                out = run_git(
                    ["rev-parse", "-q", "--verify", f"{since}^{{commit}}"],
                    self.root,
                    timeout=self.timeout,
                )
            except GitError as exc:
                raise UnknownRevision(f"{since!r} is not a commit in this repository") from exc
            since_sha = out.decode().strip()
        rev = [f"{since_sha}..HEAD"] if since_sha else ["HEAD"]
        out = run_git(
            _log_args(["--name-only", "-z", "--relative", *rev, "--"]),
            self.root,
            timeout=self.timeout,
        )
        records = parse_log_records(out)
        ai: dict[str, CommitInfo] = {}
        touched: set[str] = set()
        chains: dict[str, list[str]] = {}
        parents: dict[str, tuple[str, ...]] = {}
        linear = True
        for rec in records:
            sha = rec.info.sha
            parents[sha] = rec.parents
            linear = linear and len(rec.parents) <= 1
            self._commits[sha] = rec.info if rec.info.is_ai else None
            for f in rec.files:
                chains.setdefault(f, []).append(sha)
            if rec.info.is_ai:
                ai[sha] = rec.info
                if rec.info.tool:
                    touched.update(rec.files)
                for top_rel in rec.info.note:
                    if top_rel.startswith(info.prefix):
                        touched.add(top_rel[len(info.prefix) :])
        self._scan = HistoryScan(
            since=since,
            since_sha=since_sha,
            head=info.head,
            ai=ai,
            touched=frozenset(touched),
            chains={k: tuple(v) for k, v in chains.items()} if linear else {},
            parents=parents if linear else {},
            linear=linear,
            commit_count=len(records),
        )
        return self._scan

    def _graft(self, scan: HistoryScan, rel_path: str, head: str) -> str | None:
        """`git blame -S` revisions for `rel_path` on a linear range: HEAD, then the commits that
        changed the file, each with the previous one as parent; the oldest gets the `since`
        commit (itself made a root, so blame stops there) or its real parents."""
        chain = scan.chains.get(rel_path)
        if not chain:
            return None
        lines = []
        if chain[0] != head:
            lines.append(f"{head} {chain[0]}")
        lines += [f"{newer} {older}" for newer, older in itertools.pairwise(chain)]
        oldest = chain[-1]
        if scan.since_sha:
            lines += [f"{oldest} {scan.since_sha}", scan.since_sha]
        else:
            lines.append(" ".join((oldest, *scan.parents.get(oldest, ()))))
        return "\n".join(lines) + "\n"

    # -- blame -------------------------------------------------------------------------------------

    def ai_lines(
        self,
        rel_path: str,
        *,
        contents: str | bytes | None = None,
        since: str | None = None,
        line_ranges: Sequence[tuple[int, int]] = (),
    ) -> BlameResult:
        """AI-written lines of `rel_path` (relative to the root, forward slashes).

        `contents`: blame this text (an unsaved buffer) instead of the file on disk; lines not
        committed yet are never attributed here (live ranges cover them). `since`: only lines
        last changed by commits after that revision. `line_ranges`: restrict blame to these
        1-based inclusive line ranges. After `scan` with the same `since`, no more ``git log``
        is needed and linear histories are blamed through each file's own commits only.
        Never raises: problems come back as `reason`.
        """
        rel_path = rel_path.replace(os.sep, "/")
        try:
            info = self.repo()
        except GitError as exc:
            return BlameResult(rel_path, reason=exc.reason)
        if info.head is None:
            return BlameResult(rel_path, reason="the repository has no commits yet")
        absolute = Path(self.root, rel_path).resolve()
        try:
            absolute.relative_to(Path(info.top).resolve())
        except ValueError:
            return BlameResult(rel_path, reason="the file is outside the repository")
        args = ["blame", "--porcelain", "--root"]
        data: bytes | None = None
        if contents is not None:
            data = (
                contents.encode("utf-8", "surrogatepass") if isinstance(contents, str) else contents
            )
            args += ["--contents", "-"]
        elif not absolute.exists():
            return BlameResult(rel_path, reason="the file does not exist")
        for first, last in line_ranges:
            args += ["-L", f"{first},{last}"]
        scan = self._scan
        if scan is not None and (scan.since != since or scan.head != info.head):
            scan = None  # another range, or HEAD moved since the scan
        graft = None
        if scan is not None and scan.linear:
            graft = self._graft(scan, rel_path, info.head)
            if graft is None:
                # no commit of the range changed this file: nothing in it is attributed
                return BlameResult(rel_path)
        elif since:
            args.append(f"^{since}")
        args += ["--", rel_path]
        try:
            if scan is None:
                self._sync_notes()
            if graft is None:
                out = run_git(args, self.root, input=data, timeout=self.timeout)
            else:
                with tempfile.TemporaryDirectory(prefix="pavedroad-blame-") as tmp:
                    revs = Path(tmp, "revs")
                    revs.write_text(graft, "ascii")
                    args[1:1] = ["-S", str(revs)]
                    out = run_git(args, self.root, input=data, timeout=self.timeout)
        except GitError as exc:
            if "no such path" in exc.stderr:
                return BlameResult(rel_path, reason="the file is not committed yet")
            if "outside repository" in exc.stderr:
                return BlameResult(rel_path, reason="the file is outside the repository")
            return BlameResult(rel_path, reason=exc.reason)
        lines = parse_porcelain(out)
        shas = {bl.sha for bl in lines if not bl.boundary and bl.sha not in info.shallow}
        if scan is not None:
            infos: Mapping[str, CommitInfo | None] = self._commits
        else:
            try:
                infos = self.commit_infos(shas)
            except GitError as exc:
                return BlameResult(rel_path, reason=exc.reason)
        spans, shallow_lines = ai_spans_from_blame(lines, infos, info.shallow)
        notes: tuple[str, ...] = ()
        if shallow_lines:
            notes = (
                f"shallow clone: {shallow_lines} lines predate the fetched history and are not "
                "attributed (fetch more history, e.g. `git fetch --unshallow`)",
            )
        return BlameResult(rel_path, tuple(spans), None, notes)


def blame_ai_lines(
    root: str | os.PathLike[str], rel_path: str, *, contents: str | bytes | None = None
) -> BlameResult:
    """One-shot convenience: AI-written committed lines of one file (see `GitHistory.ai_lines`)."""
    return GitHistory(root).ai_lines(rel_path, contents=contents)
