"""Maven and Gradle: pom.xml, build.gradle(.kts), gradle/libs.versions.toml.

pom.xml is read with expat (stdlib) with the protections defusedxml applies: any DOCTYPE is refused
before it is processed, so no entity is ever declared or expanded (no billion laughs, no external
entities) and nothing is fetched. A POM never needs a DTD.

Gradle build scripts are Groovy or Kotlin programs; they are not run. A bounded tokenizer (strings,
comments, identifiers, brackets; at most `MAX_TOKENS`) finds `dependencies { ... }` blocks and the
declarations in them: `conf "g:a:v"`, `conf("g:a:v")`, `conf(platform("g:a:v"))`,
`conf group: "g", name: "a", version: "v"` (or `=` in Kotlin), `kotlin("x")`. Version-catalog
references (`libs.foo`) are resolved by parsing `libs.versions.toml` itself. `maven { url ... }`
repositories other than Maven Central make the script's dependencies resolvable from them.
"""

from __future__ import annotations

import re
import xml.parsers.expat

from pavedroad.deps.manifests.common import MAX_MANIFEST_BYTES, Collector, toml_section_offset
from pavedroad.deps.manifests.python import table
from pavedroad.deps.model import SourceKind

CENTRAL = ("https://repo1.maven.org/maven2", "https://repo.maven.apache.org/maven2",
           "http://repo1.maven.org/maven2", "https://repo.maven.apache.org/maven2/")
MAX_TOKENS = 400_000
_COORDINATE = re.compile(r"^([A-Za-z0-9_.\-]+):([A-Za-z0-9_.\-]+)(?::([^:@\s]*))?(?::[^:@\s]*)?(?:@\w+)?$")


class _Refused(Exception):
    pass


def parse_pom(path: str, text: str) -> Collector:
    c = Collector(path, "pom.xml", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    parser = xml.parsers.expat.ParserCreate()
    stack: list[str] = []
    #: open <dependency>/<plugin>/<parent>/<extension> elements: kind, line, fields, field lines
    started: list[tuple[str, int, dict[str, str], dict[str, tuple[int, int]]]] = []
    properties: dict[str, str] = {}
    repositories: list[str] = []
    found: list[tuple[str, dict[str, str], dict[str, tuple[int, int]], int]] = []
    chars: list[str] = []

    def refuse(*_: object) -> None:
        raise _Refused("DOCTYPE and entity declarations are not allowed in pom.xml")

    def start(name: str, _attrs: dict[str, str]) -> None:
        stack.append(name)
        chars.clear()
        where = "/".join(stack)
        if name in ("dependency", "plugin", "parent", "extension") and where.startswith("project/"):
            started.append((name, parser.CurrentLineNumber, {}, {}))
        elif started and len(stack) >= 2 and stack[-2] == started[-1][0] and name in (
                "groupId", "artifactId", "version", "scope", "systemPath", "type"):
            started[-1][3][name] = (parser.CurrentLineNumber, parser.CurrentColumnNumber)

    def end(name: str) -> None:
        value = "".join(chars).strip()
        chars.clear()
        where = "/".join(stack)
        if where.startswith("project/properties/") and len(stack) == 3:
            properties[name] = value
        if name == "url" and "/repository/url" in where and "pluginRepositor" not in where:
            repositories.append(value)
        if started and len(stack) >= 2 and stack[-2] == started[-1][0]:
            started[-1][2][name] = value
        if started and name == started[-1][0] and len(stack) >= 1:
            kind, line, values, lines = started.pop()
            found.append((kind, values, lines, line))
        stack.pop()

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars.append
    try:
        parser.Parse(text.encode("utf-8", "surrogatepass"), True)
    except _Refused as exc:
        c.problem(parser.CurrentLineNumber, str(exc))
        return c
    except xml.parsers.expat.ExpatError as exc:
        c.problem(exc.lineno, f"invalid XML: {xml.parsers.expat.ErrorString(exc.code)}")
    except RecursionError:
        c.problem(1, "invalid XML: nested too deeply")
        return c
    custom = [u for u in repositories if u and u.rstrip("/") not in [x.rstrip("/") for x in CENTRAL]]

    def resolve(value: str) -> str:
        return re.sub(r"\$\{([^}]+)\}", lambda m: properties.get(m.group(1), m.group(0)), value)

    for kind, values, lines, line in found:
        group = resolve(values.get("groupId", "org.apache.maven.plugins" if kind == "plugin" else ""))
        artifact = resolve(values.get("artifactId", ""))
        if not artifact or not group:
            c.problem(line, f"<{kind}> without groupId/artifactId")
            continue
        version = resolve(values.get("version", ""))
        source_kind: SourceKind = "default"
        source = ""
        if values.get("scope") == "system" or values.get("systemPath"):
            source_kind, source = "path", values.get("systemPath", "")
        elif custom and kind != "parent":
            source_kind, source = "registry", custom[0]
        at_line = lines.get("artifactId", (line, 0))[0]
        name = f"{group}:{artifact}"
        text_line = c.index.line_text(at_line)
        column = text_line.find(artifact)
        exact = version if version and not re.search(r"[\[\]\(\),$]", version) else None
        if not c.add("maven", name, line=at_line, spec=version, version=exact,
                     source_kind=source_kind, source=source,
                     section=kind if kind != "dependency" else "dependencies",
                     column=column if column >= 0 else None):
            break
    return c


# --- Gradle ------------------------------------------------------------------------------------------
_GRADLE_TOKEN = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|//[^\n]*|/\*[\s\S]*?\*/|\n|[A-Za-z_][A-Za-z0-9_.]*|[{}()\[\],:=]|[^\sA-Za-z_{}()\[\],:=\"']+")


def _gradle_tokens(text: str) -> tuple[list[tuple[str, str, int]], bool]:
    """(kind, value, offset) tokens: kind is 'str', 'id', 'nl' or the punctuation itself."""
    out: list[tuple[str, str, int]] = []
    for match in _GRADLE_TOKEN.finditer(text):
        token = match.group(0)
        if token.startswith(("//", "/*")):
            if "\n" in token:
                out.append(("nl", "\n", match.start()))
            continue
        if token == "\n":
            kind = "nl"
        elif token[0] in "\"'":
            quote = 3 if token[:3] in ('"""', "'''") else 1
            token, kind = token[quote:-quote], "str"
        elif token[0].isalpha() or token[0] == "_":
            kind = "id"
        elif token in "{}()[],:=":
            kind = token
        else:
            kind = "other"
        out.append((kind, token, match.start()))
        if len(out) >= MAX_TOKENS:
            return out, True
    return out, False


_SKIP_CALLS = {"project", "files", "fileTree", "gradleApi", "localGroovy", "gradleTestKit"}
_CONFIG = re.compile(r"^[a-z][A-Za-z0-9]*$")


def parse_gradle(path: str, text: str) -> Collector:
    c = Collector(path, "gradle", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    tokens, truncated = _gradle_tokens(text)
    if truncated:
        c.truncated = True
        c.problem(1, f"more than {MAX_TOKENS} tokens: the rest is not checked")
    stack: list[str] = []
    repositories: list[str] = []
    statements: list[list[tuple[str, str, int]]] = []
    current: list[tuple[str, str, int]] = []
    depth_paren = 0
    for i, token in enumerate(tokens):
        kind, value, _ = token
        if kind == "{":
            prev = tokens[i - 1] if i else ("", "", 0)
            stack.append(prev[1] if prev[0] == "id" else "<closure>")
            if stack[-1] != "<closure>" and current and current[-1] == prev:
                current.pop()
            if current and len(stack) >= 2 and stack[-2] == "dependencies":
                statements.append(current)
            current = []
            continue
        if kind == "}":
            if current and stack and stack[-1] == "dependencies":
                statements.append(current)
            current = []
            if stack:
                stack.pop()
            continue
        if kind in ("(", "["):
            depth_paren += 1
        elif kind in (")", "]"):
            depth_paren = max(0, depth_paren - 1)
        if stack and stack[-1] in ("maven", "ivy") and kind == "str" and "://" in value:
            repositories.append(value)
        if stack and stack[-1] == "dependencies":
            if kind == "nl" and depth_paren == 0:
                if current:
                    statements.append(current)
                current = []
            elif kind != "nl":
                current.append(token)
    custom = [u for u in repositories if u.rstrip("/") not in [x.rstrip("/") for x in CENTRAL]]
    for statement in statements:
        _gradle_statement(c, statement, custom)
        if c.full:
            break
    return c


def _gradle_statement(c: Collector, st: list[tuple[str, str, int]], custom: list[str]) -> None:
    if not st or st[0][0] != "id" or not _CONFIG.match(st[0][1]):
        return
    conf = st[0][1]
    ids = {t[1] for t in st if t[0] == "id"}
    if ids & _SKIP_CALLS:
        return
    named: dict[str, tuple[str, int]] = {}
    for i in range(1, len(st) - 2):
        if st[i][0] == "id" and st[i + 1][0] in (":", "=") and st[i + 2][0] == "str":
            named[st[i][1]] = (st[i + 2][1], st[i + 2][2])
    group = version = name = ""
    offset = st[0][2]
    if "name" in named and "group" in named:
        group, name = named["group"][0], named["name"][0]
        version = named.get("version", ("", 0))[0]
        offset = named["name"][1]
    else:
        for i, (kind, value, at) in enumerate(st[1:], start=1):
            if kind != "str":
                continue
            if i >= 2 and st[i - 2][1] == "kotlin" and st[i - 1][0] == "(":
                group, name, offset = "org.jetbrains.kotlin", f"kotlin-{value}", at
                break
            match = _COORDINATE.match(value)
            if match:
                group, name, version, offset = match.group(1), match.group(2), match.group(3) or "", at
                break
        if not name:
            return
    if "$" in group or "$" in name:
        return
    line = c.index.line_of(offset)
    source_kind: SourceKind = "registry" if custom else "default"
    exact = version if version and not re.search(r"[\[\]\(\),+$]", version) else None
    c.add("maven", f"{group}:{name}", line=line, spec=version, version=exact,
          source_kind=source_kind, source=custom[0] if custom else "", section=conf)


def parse_version_catalog(path: str, text: str) -> Collector:
    c = Collector(path, "libs.versions.toml", text)
    if c.too_large(MAX_MANIFEST_BYTES):
        return c
    data = c.load_toml()
    if data is None:
        return c
    versions = table(data, "versions")
    libraries = table(data, "libraries")
    start = toml_section_offset(text, "libraries")
    for alias, value in libraries.items():
        line, _ = c.locate([f"\n{alias} =", f"\n{alias}=", f'\n"{alias}"'], start)
        version = ""
        if isinstance(value, str):
            match = _COORDINATE.match(value)
            if not match:
                c.problem(line, f"library {alias!r}: expected 'group:artifact:version'")
                continue
            group, artifact, version = match.group(1), match.group(2), match.group(3) or ""
        elif isinstance(value, dict):
            module = value.get("module")
            if isinstance(module, str) and ":" in module:
                group, artifact = module.split(":", 1)
            elif isinstance(value.get("group"), str) and isinstance(value.get("name"), str):
                group, artifact = value["group"], value["name"]
            else:
                c.problem(line, f"library {alias!r} has no module or group/name")
                continue
            ver = value.get("version")
            if isinstance(ver, str):
                version = ver
            elif isinstance(ver, dict):
                ref = ver.get("ref")
                version = str(versions.get(ref, "")) if isinstance(ref, str) else str(
                    ver.get("strictly") or ver.get("require") or ver.get("prefer") or "")
        else:
            continue
        exact = version if version and not re.search(r"[\[\]\(\),+$]", version) else None
        if not c.add("maven", f"{group}:{artifact}", line=line, spec=version, version=exact,
                     section="libraries"):
            break
    return c

