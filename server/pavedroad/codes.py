"""Stable diagnostic codes. Each is documented in the README; never reuse or renumber one.

Every diagnostic the language server publishes has `source: "pavedroad"` and one of these codes.
"""

from __future__ import annotations

# --- zone config (reported on the config file itself, at the offending line) ---
CONFIG_SYNTAX = "PR001"  # the YAML does not parse
CONFIG_SCHEMA = "PR002"  # wrong type, unknown key (with a did-you-mean), missing required key
CONFIG_PATTERN = "PR003"  # invalid regex, glob or tree-sitter query (names the zone)
CONFIG_EXTENDS = "PR004"  # an `extends` entry cannot be loaded (missing file, bad preset, digest mismatch)
CONFIG_LOCKED = "PR005"  # an attempt to weaken a locked central zone, refused
CONFIG_WARNING = "PR006"  # suspicious but accepted (e.g. a zone that matches nothing)

# --- AI-written code in a zone (issue: provenance and verdicts) ---
AI_WARN = "PR101"  # AI-written code in an `ai: warn` zone
AI_REVIEW = "PR102"  # AI-written code in an `ai: review` zone without a matching sign-off
AI_DENY = "PR103"  # AI-written code in an `ai: deny` zone

# --- decision records ---
RECORD_INVALID = "PR201"  # reviews.yaml / exceptions.yaml entry malformed
EXCEPTION_EXPIRED = "PR202"  # an exception past its `expires` date (no longer applies)
EXCEPTION_REFUSED = "PR203"  # an exception that would relax a locked zone without a central approver, or beyond the cap

# --- prompts and prompt files ---
PROMPT_SECRET = "PR301"
PROMPT_PII = "PR302"
PROMPT_INTERNAL = "PR303"
PROMPT_SENSITIVE_FILE = "PR304"

# --- files the server could not analyse ---
FILE_SKIPPED = "PR401"  # too large, binary or not UTF-8: zones from path rules only

# --- dependencies added to manifests (preset:dependencies, `pavedroad.deps`) ---
DEP_DENIED = "PR501"  # on the `dependencies.deny` list
DEP_NOT_ALLOWED = "PR502"  # a central `dependencies.allow` list exists and does not name it
DEP_MISSING = "PR503"  # its registry answered "no such package" (an authoritative 404/410)
DEP_TYPO = "PR504"  # a small edit away from a popular package, and not popular itself
DEP_CONFUSABLE = "PR505"  # the name has non-ASCII / look-alike characters (homoglyphs)
DEP_VULNERABLE = "PR506"  # the registry's advisory data lists a vulnerability for this version
DEP_SOURCE = "PR507"  # resolved from a non-default registry, a URL, a git repository or a path
DEP_UNVERIFIED = "PR508"  # the registry could not be asked (offline, timeout, 5xx): not verified
MANIFEST_INVALID = "PR509"  # the manifest does not parse; other manifests are still checked

