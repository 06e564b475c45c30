"""Verdicts: zones x provenance x sign-offs x exceptions -> findings.

* `verdicts`: `evaluate(...)` -> `list[Finding]` (PR101-PR103)
* `records`: `.pavedroad/reviews.yaml` and `.pavedroad/exceptions.yaml`: loading with
  line-precise problems (PR201-PR203), `exception_status`, locked appends, `build_review`,
  `build_exception`, `code_hash`
"""
