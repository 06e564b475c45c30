"""Same-repository propagation: a function that calls a zone function defined in another file of
the repository joins that zone, one level deep, exactly like a caller in the same file does.

The classifier never reads files, so the work is split three ways:

1. `dependencies` reads one parsed file's imports, package and calls and lists the repository
   files its calls may reach, each with how its names are spelt here (a `Handle`);
2. the caller's `RepoView` (the zone map, `check`, the server, hooks) says which files exist and
   what each *exports*: the functions its own content puts in a propagating zone, classified
   without this step, so propagation stays one level across files as within one;
3. `link` marks the functions of this file that call an export through a handle.

Names are resolved through what imports and packages make visible, without types:

* Go: functions of the same package (the other `.go` files of the directory) called bare, and of
  an imported package of the repository called `pkg.Func()` (the package directory is the
  longest suffix of the import path that is a directory here);
* Java: static methods called `Owner.method()` on a class imported from the repository or of the
  same package, and methods inherited from a repository superclass called bare, `this.` or
  `super.`;
* Python: `from app.security import verify` then `verify()`, `import app.security as s` then
  `s.verify()`, relative imports included;
* JavaScript/TypeScript: named, namespace and CommonJS imports of a relative (`./`, `../`) or
  `@/`/`~/` module.

Methods called on a variable (`service.verify()`) are not followed: without types the receiver's
class is unknown, and guessing by method name alone marks every `get()` in the repository.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pavedroad.analysis.model import Export

if TYPE_CHECKING:
    from tree_sitter import Node

    from pavedroad.analysis.anchors import FileContext
    from pavedroad.analysis.syntax import Definition

#: languages whose files are linked to the files they call
LANGUAGES = frozenset({"python", "go", "java", "javascript", "typescript", "tsx"})
#: at most this many repository files are classified for one file (a hostile file importing
#: thousands of modules must not make one keystroke classify the repository); files whose
#: exports are already known do not count
MAX_DEPENDENCIES = 64

_JS_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_JAVA_PACKAGE = re.compile(rb"^[ \t]*package[ \t]+([\w.]+)[ \t]*;", re.MULTILINE)
_JAVA_STATIC_CALL = re.compile(rb"\b([A-Z][A-Za-z0-9_$]*)\s*\.\s*[a-z_$][\w$]*\s*\(")
_JAVA_EXTENDS = re.compile(rb"\bextends\s+([A-Z][A-Za-z0-9_$]*)")


def family(language: str | None) -> str | None:
    """Files of one family can call each other: "python", "js" (JavaScript and TypeScript), "go",
    "java"; None for the rest."""
    if language in ("javascript", "typescript", "tsx"):
        return "js"
    return language if language in ("python", "go", "java") else None


def module_word(path: str) -> str:
    """The word a caller spells to reach the functions of `path`: its module's name (the
    directory's for `__init__.py` and `index.*`, which is Go's package name too)."""
    directory, name = posixpath.split(path)
    stem = name.split(".", 1)[0]
    if stem in ("__init__", "index") or name.endswith(".go"):
        return posixpath.basename(directory)
    return stem


class RepoView(Protocol):
    """What `dependencies` and `link` may learn about the repository (paths are root-relative)."""

    def is_file(self, rel_path: str) -> bool: ...

    def list_dir(self, rel_dir: str) -> Sequence[str]:
        """Names of the regular files directly in `rel_dir` ("" for the root)."""
        ...

    def exports(self, rel_path: str) -> tuple[Export, ...]: ...

    def is_cheap(self, rel_path: str) -> bool:
        """Are the exports of `rel_path` known without classifying it?"""
        ...

    def read_head(self, rel_path: str, limit: int) -> bytes:
        """Up to `limit` bytes of a small regular file of the repository (`go.mod`); b"" if none."""
        ...


@dataclass(frozen=True)
class Handle:
    """How this file reaches the exports of repository file `path`."""

    path: str
    #: calls spelt `qualifier.name(...)`; None: bare `name(...)`
    qualifier: str | None
    #: only exports that are methods of this class (Java); None: only functions
    owner: str | None = None
    #: export name -> the name it is bound to here (named imports); None: every export, as is
    names: tuple[tuple[str, str], ...] | None = None


def exports_of(direct: dict[str, dict[tuple[int, int], Definition]], zones: Iterable[str]) -> tuple[Export, ...]:
    """The exports of a file from its direct evidence (`FileContext.direct`): top-level functions
    and methods of top-level classes; nested functions cannot be called from elsewhere."""
    out: list[Export] = []
    for zone in zones:
        for definition in direct.get(zone, {}).values():
            parts = definition.qualified.split(".")
            if definition.kind == "function" and len(parts) == 1:
                out.append(Export(zone, definition.name))
            elif definition.kind == "method" and len(parts) == 2 and parts[0]:
                out.append(Export(zone, definition.name, parts[0].lstrip("*")))
    return tuple(dict.fromkeys(out))


def _inside(path: str) -> str | None:
    """`path` normalised, or None when it leaves the root."""
    normal = posixpath.normpath(path)
    if normal.startswith("../") or normal == ".." or normal.startswith("/"):
        return None
    return "" if normal == "." else normal


def _first_file(view: RepoView, candidates: Iterable[str]) -> str | None:
    """The first candidate path that stays inside the root and is a file there."""
    for candidate in candidates:
        file = _inside(candidate)
        if file is not None and view.is_file(file):
            return file
    return None


def dependencies(ctx: FileContext, path: str, view: RepoView) -> list[Handle]:
    """The repository files `path` (whose parsed context is `ctx`) may call into."""
    language = ctx.syntax.language
    if language == "go":
        handles = _go(ctx, path, view)
    elif language == "java":
        handles = _java(ctx, path, view)
    elif language == "python":
        handles = _python(ctx, path, view)
    elif language in ("javascript", "typescript", "tsx"):
        handles = _javascript(ctx, path, view)
    else:
        return []
    data = ctx.data
    # only handles this file uses can link; then at most MAX_DEPENDENCIES files it takes
    # classifying (remembered or preloaded ones are free), so a file cannot push a real
    # dependency out with dozens of unused imports, nor make one keystroke classify hundreds
    used = [h for h in handles if h.path != path and _used(h, data)]
    budget = MAX_DEPENDENCIES
    admitted: dict[str, bool] = {}
    out: list[Handle] = []
    for handle in used:
        ok = admitted.get(handle.path)
        if ok is None:
            cheap = view.is_cheap(handle.path)
            ok = cheap or budget > 0
            if ok and not cheap:
                budget -= 1
            admitted[handle.path] = ok
        if ok:
            out.append(handle)
    return out


def _used(handle: Handle, data: bytes) -> bool:
    """Does the file spell a call through `handle` at all (a cheap byte test)?"""
    if handle.qualifier is not None:
        return (handle.qualifier + ".").encode("utf-8", "surrogateescape") in data
    if handle.names is not None:
        # the import itself names it once; a call needs a second occurrence
        return any(data.count(local.encode("utf-8", "surrogateescape")) >= 2 for _, local in handle.names)
    return True


# --- Go ---------------------------------------------------------------------------------------------
def _go_files(view: RepoView, directory: str, tests: bool) -> list[str]:
    return [
        posixpath.join(directory, name) if directory else name
        for name in view.list_dir(directory)
        if name.endswith(".go") and (tests or not name.endswith("_test.go"))
    ]


_GO_MODULE = re.compile(rb"^[ \t]*module[ \t]+\"?([^\s\"]+)", re.MULTILINE)


def _go_module(view: RepoView, directory: str) -> tuple[str, str] | None:
    """(module path, its directory) from the nearest `go.mod` at or above `directory`."""
    current = directory
    while True:
        mod = f"{current}/go.mod" if current else "go.mod"
        if view.is_file(mod):
            head = view.read_head(mod, 4096)
            match = _GO_MODULE.search(head) if head else None
            return (match.group(1).decode("utf-8", "replace"), current) if match else None
        if not current:
            return None
        current = posixpath.dirname(current)


def _go_package_dir(module: str, view: RepoView, go_mod: tuple[str, str] | None) -> str | None:
    """The repository directory of imported package `module`: under the nearest `go.mod`'s module
    path when there is one (a third-party `.../auth` is never the repository's `auth/`), else the
    longest suffix of the import path that is a directory of Go files here (trees without
    `go.mod`, such as a GOPATH checkout)."""
    parts = [p for p in module.split("/") if p]
    if not parts or "." not in parts[0]:
        return None  # the standard library (`crypto/x509`) is never the repository's own code
    if go_mod is not None:
        name, base = go_mod
        if module != name and not module.startswith(name + "/"):
            return None
        rest = module[len(name):].strip("/")
        candidate = "/".join(x for x in (base, rest) if x)
        return candidate if _go_files(view, candidate, False) else None
    for start in range(len(parts)):
        candidate = "/".join(parts[start:])
        if _go_files(view, candidate, False):
            return candidate
    return None


def _go(ctx: FileContext, path: str, view: RepoView) -> list[Handle]:
    directory = posixpath.dirname(path)
    testing = path.endswith("_test.go")
    handles = [Handle(file, None) for file in _go_files(view, directory, testing)]
    go_mod = _go_module(view, directory)
    for bound, bindings in ctx.import_table().items():
        for binding in bindings:
            package = _go_package_dir(binding.module, view, go_mod)
            if package is not None and package != directory:
                handles.extend(Handle(file, bound) for file in _go_files(view, package, False))
    return handles


# --- Java -------------------------------------------------------------------------------------------
def _java(ctx: FileContext, path: str, view: RepoView) -> list[Handle]:
    data = ctx.data
    directory = posixpath.dirname(path)
    source_root: str | None = directory
    package = _JAVA_PACKAGE.search(data)
    if package is not None:
        package_dir = package.group(1).decode("ascii", "replace").replace(".", "/")
        if directory == package_dir:
            source_root = ""
        elif directory.endswith("/" + package_dir):
            source_root = directory[: -len(package_dir) - 1]
        else:
            source_root = None  # the file is not where its package says: only its own directory

    imported: dict[str, str] = {}  # simple class name -> its file
    for bound, bindings in ctx.import_table().items():
        for binding in bindings:
            if source_root is None or not binding.target[:1].isalpha():
                continue
            file = _inside(posixpath.join(source_root, binding.target.replace(".", "/") + ".java"))
            if file is not None and view.is_file(file):
                imported[bound] = file

    def class_file(name: str) -> str | None:
        if name in imported:
            return imported[name]
        file = posixpath.join(directory, name + ".java") if directory else name + ".java"
        return file if view.is_file(file) else None

    handles: list[Handle] = []
    for name in dict.fromkeys(m.group(1).decode("ascii") for m in _JAVA_EXTENDS.finditer(data)):
        file = class_file(name)
        if file is not None:
            handles.append(Handle(file, None, owner=name))  # inherited: `mutate(...)`, `super.mutate(...)`
    for name in dict.fromkeys(m.group(1).decode("ascii") for m in _JAVA_STATIC_CALL.finditer(data)):
        file = class_file(name)
        if file is not None:
            handles.append(Handle(file, name, owner=name))  # static: `Digests.sha256(...)`
    return handles


# --- Python -----------------------------------------------------------------------------------------
def _python_module_files(path: str, module: str, view: RepoView) -> str | None:
    """The repository file of Python module `module` imported from `path` (relative or not)."""
    dots = len(module) - len(module.lstrip("."))
    rest = module[dots:].replace(".", "/")
    if dots:
        base: str | None = posixpath.dirname(path)
        for _ in range(dots - 1):
            base = posixpath.dirname(base) if base else None
            if base is None:
                return None
        bases = [base or ""]
    else:
        parts = path.split("/")[:-1]
        head = rest.split("/", 1)[0]
        bases = ["", "src"] + ["/".join(parts[:i]) for i, part in enumerate(parts) if part == head and i]
    for base in dict.fromkeys(bases):
        stem = posixpath.join(base, rest) if base else rest
        if not stem:
            continue
        file = _first_file(view, (stem + ".py", stem + "/__init__.py"))
        if file is not None:
            return file
    return None


def _python(ctx: FileContext, path: str, view: RepoView) -> list[Handle]:
    handles: list[Handle] = []
    for bound, bindings in ctx.import_table().items():
        for binding in bindings:
            if binding.wildcard:
                continue
            plain = binding.target == binding.module  # `import app.security as s`, `import app`
            if plain or (bound == binding.target and binding.module.startswith(bound + ".")):
                # `import app.security` binds `app`: its calls are spelt `app.security.verify()`
                file = _python_module_files(path, binding.module, view)
                if file is not None:
                    handles.append(Handle(file, bound if plain else binding.module))
                continue
            member = binding.target[len(binding.module) + 1:]
            joined = f"{binding.module}.{member}" if not binding.module.endswith(".") else binding.module + member
            module_file = _python_module_files(path, joined, view)
            if module_file is not None:  # `from app import security` -> `security.verify()`
                handles.append(Handle(module_file, bound))
                continue
            file = _python_module_files(path, binding.module, view)
            if file is not None:  # `from app.security import verify as check` -> `check()`
                handles.append(Handle(file, None, names=((member, bound),)))
    return handles


# --- JavaScript / TypeScript ------------------------------------------------------------------------
def _js_module_file(path: str, module: str, view: RepoView) -> str | None:
    if module.startswith("."):
        stems = [posixpath.join(posixpath.dirname(path), module)]
    elif module.startswith(("@/", "~/")):
        stems = [posixpath.join("src", module[2:]), module[2:]]
    else:
        return None  # a package: not the repository's own code
    for stem in stems:
        base = _inside(stem)
        if base is None:
            continue
        candidates = [base] if base.endswith(_JS_SUFFIXES) else []
        if base.endswith(".js"):  # TypeScript ESM spells `./auth.js` for `./auth.ts`
            candidates += [base[:-3] + ".ts", base[:-3] + ".tsx"]
        candidates += [base + suffix for suffix in _JS_SUFFIXES]
        candidates += [f"{base}/index{suffix}" for suffix in _JS_SUFFIXES]
        file = _first_file(view, candidates)
        if file is not None:
            return file
    return None


def _javascript(ctx: FileContext, path: str, view: RepoView) -> list[Handle]:
    handles: list[Handle] = []
    for bound, bindings in ctx.import_table().items():
        for binding in bindings:
            file = _js_module_file(path, binding.module, view)
            if file is None:
                continue
            if binding.target == binding.module:  # `import * as auth`, a default import, `require`
                handles.append(Handle(file, bound))
                # `import verify from "./auth"` with `export default function verify`: the
                # default export is taken to be the function of the same name
                handles.append(Handle(file, None, names=((bound, bound),)))
            else:  # `import { verify as check } from "./auth"`
                handles.append(Handle(file, None, names=((binding.target[len(binding.module) + 1:], bound),)))
    return handles


# --- linking ----------------------------------------------------------------------------------------
def link(ctx: FileContext, handles: Sequence[Handle], view: RepoView, zones: Iterable[str]) -> None:
    """Mark the definitions of this file that call an export reached through `handles`."""
    wanted = frozenset(zones)
    syntax = ctx.syntax
    for handle in handles:
        exports = [e for e in view.exports(handle.path) if e.zone in wanted and e.owner == handle.owner]
        if not exports:
            continue
        renames = dict(handle.names) if handle.names is not None else None
        for export in exports:
            local = export.name if renames is None else renames.get(export.name)
            if local is None:
                continue
            if handle.qualifier is not None:
                accepted = {f"{handle.qualifier}.{local}"}
            elif handle.owner is not None:
                accepted = {local, f"this.{local}", f"super.{local}"}
            else:
                accepted = {local}
            shown = f"{export.owner}.{export.name}" if export.owner else export.name
            reason = f"calls {shown} ({handle.path})"
            inherited = handle.qualifier is None and handle.owner is not None
            for ref in ctx.occurrences(local):
                found = syntax.callee_at(ref)
                handed = found is None
                callee = ref if found is None else found
                if handed:
                    # handed over rather than called: `Depends(get_current_user)`, `app.use(requireAuth)`
                    # (never in Java, where a bare name argument is a variable, not a method)
                    parent = ref.parent
                    if syntax.language == "java" or parent is None or parent.type not in ("argument_list", "arguments"):
                        continue
                if syntax.dotted(callee, ctx.data) not in accepted:
                    continue
                where = ctx.definition(ref)
                if where is None or where.kind == "class":
                    continue
                if handed and _is_parameter(ctx, where, local):
                    continue  # `def unrelated(verify=True): print(verify)` passes its own parameter
                if inherited and _superclass(ctx, ref) != handle.owner:
                    continue  # only the class that extends the owner inherits its methods
                ctx.result.add_definition(export.zone, where, reason)


def _superclass(ctx: FileContext, node: Node) -> str | None:
    """Java: the simple name of the superclass of the class declaring `node` (`Base` for
    `class Handler extends Base<T>`), None when it extends nothing."""
    syntax = ctx.syntax
    current: Node | None = node
    while current is not None and not (syntax.is_definition(current) and syntax.definition_kind(current) == "class"):
        current = current.parent
    superclass = current.child_by_field_name("superclass") if current is not None else None
    if superclass is None:
        return None
    for child in superclass.named_children:
        if child.type == "generic_type":
            child = child.named_children[0] if child.named_children else child
        if child.type == "scoped_type_identifier":
            return ctx.data[child.start_byte:child.end_byte].decode("utf-8", "replace").rsplit(".", 1)[-1].strip()
        if child.type == "type_identifier":
            return ctx.data[child.start_byte:child.end_byte].decode("utf-8", "replace")
    return None


def _is_parameter(ctx: FileContext, where: Definition, name: str) -> bool:
    """Is `name` a parameter of the function `where` (a local that only shares the name)?"""
    parameters = where.node.child_by_field_name("parameters")
    if parameters is None:
        return False
    text = ctx.data[parameters.start_byte:parameters.end_byte]
    return re.search(rb"(?<![\w$])" + re.escape(name.encode("utf-8")) + rb"(?![\w$])", text) is not None


__all__ = ["LANGUAGES", "MAX_DEPENDENCIES", "Handle", "RepoView", "dependencies", "exports_of", "family", "link", "module_word"]
