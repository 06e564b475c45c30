"""Per-language knowledge of syntax trees: imports, callees, decorators, references, definitions.

The classifier finds *anchors* (byte ranges where an interesting name occurs) with one RE2 scan of
the file, then asks the language's `Syntax` what the tree says about each anchor: is this name in
an import statement, the callee of a call, part of a decorator, a reference to an imported name?
Everything here works on nodes near an anchor (a few parent steps), never on the whole tree, except
`definition_names`, which the classifier only calls when a `symbols` rule might match.

One module per grammar family; `SYNTAXES` maps a language id to its instance.
"""

from __future__ import annotations

from pavedroad.analysis.syntax.base import (
    Binding,
    Definition,
    Syntax,
    end_line_of,
    go_package_name,
    node_text,
)
from pavedroad.analysis.syntax.declarative import HclSyntax, YamlSyntax
from pavedroad.analysis.syntax.golang import GoSyntax
from pavedroad.analysis.syntax.java import JavaSyntax
from pavedroad.analysis.syntax.javascript import JavaScriptSyntax, TsxSyntax, TypeScriptSyntax
from pavedroad.analysis.syntax.python import PythonSyntax

SYNTAXES: dict[str, Syntax] = {
    syntax.language: syntax
    for syntax in (
        PythonSyntax(),
        JavaScriptSyntax(),
        TypeScriptSyntax(),
        TsxSyntax(),
        GoSyntax(),
        JavaSyntax(),
        HclSyntax(),
        YamlSyntax(),
    )
}

__all__ = [
    "SYNTAXES",
    "Binding",
    "Definition",
    "GoSyntax",
    "HclSyntax",
    "JavaScriptSyntax",
    "JavaSyntax",
    "PythonSyntax",
    "Syntax",
    "TsxSyntax",
    "TypeScriptSyntax",
    "YamlSyntax",
    "end_line_of",
    "go_package_name",
    "node_text",
]
