"""Where AI-written code comes from, and how it follows edits.

* `ranges`: `AiRange` (live, code-point offsets), `AiSpan` (1-based lines), `apply_edit`,
  `add_range`, `remove_range`, `LineIndex`, `to_spans`
* `heuristic`: `classify_change` for one didChange content change, `RecentOrigins`
* `git_history`: `GitHistory(root).ai_lines(rel_path, contents=..., since=...)` -> `BlameResult`,
  `GitHistory.scan(since)` (one pass for `pavedroad check`), trailer / git-ai note parsing
* `store`: `RangeStore(root)` persists live ranges under `.pavedroad/.local/` (hashes, no code)
"""
