"""Stable diagnostic codes of the dependency checks (PR5xx).

These live here until the lead moves them into `pavedroad.codes` (the one table the README
documents); the values are final: never reuse or renumber one.
"""

from __future__ import annotations

DEP_DENIED = "PR501"  # on the `dependencies.deny` list
DEP_NOT_ALLOWED = "PR502"  # a central `dependencies.allow` list exists and does not name it
DEP_MISSING = "PR503"  # its registry answered "no such package" (an authoritative 404/410)
DEP_TYPO = "PR504"  # a small edit away from a popular package, and not popular itself
DEP_CONFUSABLE = "PR505"  # the name has non-ASCII / look-alike characters (homoglyphs)
DEP_VULNERABLE = "PR506"  # the registry's advisory data lists a vulnerability for this version
DEP_SOURCE = "PR507"  # resolved from a non-default registry, a URL, a git repository or a path
DEP_UNVERIFIED = "PR508"  # the registry could not be asked (offline, timeout, 5xx): not verified
MANIFEST_INVALID = "PR509"  # the manifest does not parse; other manifests are still checked

ALL = {
    DEP_DENIED: "dependency on the deny list",
    DEP_NOT_ALLOWED: "dependency not on the allow list",
    DEP_MISSING: "dependency does not exist in its registry",
    DEP_TYPO: "dependency name close to a popular package (possible typo-squat)",
    DEP_CONFUSABLE: "dependency name with look-alike characters",
    DEP_VULNERABLE: "dependency version with a known vulnerability",
    DEP_SOURCE: "dependency from a non-default source",
    DEP_UNVERIFIED: "dependency not verified against its registry",
    MANIFEST_INVALID: "manifest could not be parsed",
}
