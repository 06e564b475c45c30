# Two entry points (see README): `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXAMPLE := zones/examples/workspace
# The security team's central map; on a real machine: /etc/pavedroad/central.yaml or $$PAVEDROAD_CENTRAL.
CENTRAL := zones/examples/central/security-zones.yaml

.PHONY: setup demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Set up, then run the main job on the bundled example workspace.
demo: $(STAMP)
	@echo "== pavedroad zones $(EXAMPLE) --central $(CENTRAL)"
	@$(BIN)/pavedroad zones $(EXAMPLE) --central $(CENTRAL)
	@echo
	@echo "== pavedroad prompt $(EXAMPLE)/prompts/refactor.prompt.md --central $(CENTRAL)"
	@$(BIN)/pavedroad prompt $(EXAMPLE)/prompts/refactor.prompt.md --central $(CENTRAL) || true

## Set up (Python deps, editors, VS Code test harness), lint, type-check and run every test.
test: $(STAMP)
	bash scripts/setup-editors.sh
	bash scripts/setup-postgres.sh install
	$(BIN)/ruff check server tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider

## Python tests only (no editor set-up).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not editor"

lint: $(STAMP)
	$(BIN)/ruff check server tests benchmarks
	$(BIN)/mypy

# Semgrep (the peer we compare against) lives in its own venv: its pins clash with ours.
# 1.150.0 is the newest release whose dependencies the package mirror here can satisfy.
SEMGREP := .tools/semgrep/bin/semgrep
$(SEMGREP):
	$(PYTHON) -m venv .tools/semgrep
	.tools/semgrep/bin/python -m pip install -q semgrep==1.150.0

bench: $(STAMP) $(SEMGREP)
	$(BIN)/python benchmarks/bench_zones.py --semgrep $(SEMGREP)
	$(BIN)/python benchmarks/bench_prompts.py
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_deps.py
	$(BIN)/python benchmarks/bench_report.py --start-postgres
	$(BIN)/python benchmarks/bench_keystroke.py
	$(BIN)/python benchmarks/bench_hooks.py

clean:
	rm -rf $(VENV) build *.egg-info server/*.egg-info .tools vscode-client/node_modules
