"""Tree-sitter languages, parsing, detectors, and classification of code into zone regions.

`Classifier` (in `pavedroad.analysis.classify`) is the entry point; it is imported lazily so that
importing `pavedroad.analysis.model` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_PARSE_BYTES", "Classifier", "classify_file", "strictest"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from pavedroad.analysis import classify

        return getattr(classify, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
