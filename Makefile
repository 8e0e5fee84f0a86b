# Assistente de Consultoria: every entry point of the project. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
VENV_RASA := .venv-rasa
PY        := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv run test lint typecheck unit bench lock db-upgrade clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# One stamp per environment: rebuilt only when its pins (or the project metadata) change.
$(VENV)/.stamp: requirements/dev.lock pyproject.toml scripts/make-venv
	scripts/make-venv $(VENV) requirements/dev.lock dev

$(VENV_RASA)/.stamp: requirements/rasa.lock scripts/make-venv
	scripts/make-venv $(VENV_RASA) requirements/rasa.lock

venv: $(VENV)/.stamp $(VENV_RASA)/.stamp ## build both virtual environments (idempotent)

db-upgrade: $(VENV)/.stamp ## create or migrate the database at DATABASE_URL (default: var/consultoria.sqlite3)
	$(VENV)/bin/consultoria db upgrade

run: venv db-upgrade ## the main job on the embedded defaults
	@$(VENV)/bin/consultoria prices list
	@echo
	@sat=$$(date -d 'next saturday' +%F); \
	$(VENV)/bin/consultoria quote plantao --start "$${sat}T08:00" --end "$${sat}T18:00" --ended-at "$${sat}T10:00"

lint: $(VENV)/.stamp ## ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.stamp ## mypy (strict on the tariff engine)
	$(VENV)/bin/mypy

unit: $(VENV)/.stamp ## pytest only
	$(VENV)/bin/pytest -q

test: venv lint typecheck ## everything CI checks
	$(VENV)/bin/pytest -q

bench: $(VENV)/.stamp ## benchmarks (not part of make test)
	$(PY) -m tests.bench.tariff

lock: ## regenerate requirements/*.lock from requirements/rasa.in and pyproject.toml
	scripts/lock

clean: ## remove environments, database and caches
	rm -rf $(VENV) $(VENV_RASA) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
