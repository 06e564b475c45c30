"""Zone configuration: model, YAML loading with positions, layering and schema checks.

Public API (used by the language server, the CLI, the classifier and the policy engine):

* `find_root(path)` -> the workspace root directory for a file or directory
* `machine_central(extra)` -> the machine-level central map specs (system map, environment, extra)
* `load_config(root, *, central=(), client_central=(), cache_dir=None, repo_text=None,
  fetch=None, url_approved=None)` -> `LoadResult`
* `load_zone_map_text(text, filename, ...)` -> `LoadResult` for one file's text
* `preset_names()`, `preset_path(name)` -> the built-in presets
* `policy_digest(config)` -> the digest stored in `EffectiveConfig.digest`
"""

from pavedroad.config.central import machine_central
from pavedroad.config.digest import canonical_policy, policy_digest
from pavedroad.config.loader import REPO_FILE, find_root, load_config, load_zone_map_text
from pavedroad.config.model import (
    CONTEXT_LEVELS,
    AiToolsPolicy,
    ConfigProblem,
    DependencyPolicy,
    EffectiveConfig,
    ExceptionPolicy,
    Level,
    LoadResult,
    MatchRules,
    ProvenanceSettings,
    Scope,
    SourceRef,
    Zone,
)
from pavedroad.config.presets import preset_names, preset_path
from pavedroad.config.urlcache import default_cache_dir

__all__ = [
    "CONTEXT_LEVELS",
    "REPO_FILE",
    "AiToolsPolicy",
    "ConfigProblem",
    "DependencyPolicy",
    "EffectiveConfig",
    "ExceptionPolicy",
    "Level",
    "LoadResult",
    "MatchRules",
    "ProvenanceSettings",
    "Scope",
    "SourceRef",
    "Zone",
    "canonical_policy",
    "default_cache_dir",
    "find_root",
    "load_config",
    "load_zone_map_text",
    "machine_central",
    "policy_digest",
    "preset_names",
    "preset_path",
]
