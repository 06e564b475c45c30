"""Where the AI acts: agents' hooks answered with the same engine as the editor and CI.

`dialects` reads each tool's hook JSON and writes its answer, `decide` is the engine, `cli` the
`pavedroad hook TOOL EVENT` shell; `edits`, `patch` and `shellcmd` work out what an action reads
or changes. See docs/agents.md for every tool's protocol and what each hook can and cannot stop.
"""
