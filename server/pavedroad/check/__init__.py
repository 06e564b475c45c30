"""`pavedroad check`: the headless policy check for CI and pre-commit.

It finds AI-written lines the fast way round: one ``git log`` over the history (or over
``REV..HEAD`` with ``--since REV``) finds the commits that carry AI attribution and the files
they touched; only those files (plus files with live ranges in the local store, when present)
are classified; only files with zone regions are blamed, and only on the lines of those regions
(``git blame -L``), blaming the file's current contents; on a linear range each file is blamed
through the commits that changed it only (``git blame -S``, see `GitHistory.scan`). Files that no
AI commit touched are never opened.

``--since REV`` reports AI-attributed lines whose last change is in a commit after REV
(``git blame ^REV`` semantics, the commits of ``REV..HEAD``: on a pull request, ``--since
origin/main`` covers exactly what the branch adds), plus uncommitted live ranges.

Outputs: ``render(result, "text" | "json" | "sarif")``; ``exit_code(result)`` is 1 when a finding
is at error level, an unreviewed `review` finding remains, or a record file has an error, else 0.
"""

from pavedroad.check.candidates import ClassifierFactory, SupportsClassify
from pavedroad.check.render import (
    FORMATS,
    RULES,
    render,
    render_json,
    render_sarif,
    render_text,
)
from pavedroad.check.run import (
    MAX_CHECK_BYTES,
    CheckError,
    CheckResult,
    RecordIssue,
    exit_code,
    run_check,
)

__all__ = [
    "FORMATS",
    "MAX_CHECK_BYTES",
    "RULES",
    "CheckError",
    "CheckResult",
    "ClassifierFactory",
    "RecordIssue",
    "SupportsClassify",
    "exit_code",
    "render",
    "render_json",
    "render_sarif",
    "render_text",
    "run_check",
]
