"""Descriptions of the dependency checks' codes (PR5xx); the codes live in `pavedroad.codes`."""

from __future__ import annotations

from pavedroad.codes import (
    DEP_CONFUSABLE,
    DEP_DENIED,
    DEP_MISSING,
    DEP_NOT_ALLOWED,
    DEP_SOURCE,
    DEP_TYPO,
    DEP_UNVERIFIED,
    DEP_VULNERABLE,
    MANIFEST_INVALID,
)

__all__ = [
    "ALL",
    "DEP_CONFUSABLE",
    "DEP_DENIED",
    "DEP_MISSING",
    "DEP_NOT_ALLOWED",
    "DEP_SOURCE",
    "DEP_TYPO",
    "DEP_UNVERIFIED",
    "DEP_VULNERABLE",
    "MANIFEST_INVALID",
]

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
