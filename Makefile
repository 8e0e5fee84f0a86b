# Assistente de Consultoria: every entry point of the project. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
VENV_RASA := .venv-rasa
PY        := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

RASA      := $(VENV_RASA)/bin/rasa
RASA_ENV  := TF_CPP_MIN_LOG_LEVEL=2 TF_INTRA_OP_PARALLELISM_THREADS=2 TF_INTER_OP_PARALLELISM_THREADS=1 \
             SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false PYTHONPATH=$(CURDIR)

.PHONY: help venv run serve model validate test lint typecheck unit test-nlu test-stories test-e2e test-scale \
        understanding calibrate bench lock db-upgrade clean

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

run: venv db-upgrade ## the assistant: Telegram with TELEGRAM_BOT_TOKEN, else a terminal chat (RUN_ARGS=--staff)
	@$(PY) scripts/serve.py --chat $(RUN_ARGS)

serve: venv db-upgrade ## action server (5055) + Rasa REST/API (5005), headless; stops on SIGTERM/Ctrl-C
	@$(PY) scripts/serve.py

model: venv ## train the Rasa model if its inputs changed
	@$(PY) scripts/train.py

validate: venv ## rasa data validate; every warning fails except Rasa 3.6's known false positives
	$(PY) scripts/validate.py

lint: $(VENV)/.stamp ## ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.stamp ## mypy (strict on the tariff engine)
	$(VENV)/bin/mypy

unit: $(VENV)/.stamp ## pytest without the tests that need a trained model
	$(VENV)/bin/pytest -q --ignore=tests/e2e --ignore=tests/scale

test-nlu: model ## held-out NLU evaluation; fails under intent F1 0.95 / entity F1 0.90
	rm -rf results/nlu
	$(RASA_ENV) $(RASA) test nlu --model models --domain domain --nlu tests/nlu --out results/nlu --no-plot
	$(PY) scripts/check_nlu.py results/nlu

test-stories: model ## conversation tests, any prediction error fails
	rm -rf results/core
	$(RASA_ENV) $(RASA) test core --model models --stories tests/stories --out results/core \
		--fail-on-prediction-errors --no-plot

test-e2e: model ## end-to-end through the REST channel against the running servers
	$(VENV)/bin/pytest -q tests/e2e

# Both evaluations also run in test-e2e; here they print their rates and what went wrong.
understanding: model ## out-of-domain rate and in-domain conversation rate, through the REST channel
	$(VENV)/bin/pytest -q tests/e2e/test_out_of_domain.py tests/e2e/test_conversation_corpus.py

calibrate: model ## the out-of-domain thresholds on tests/ood/calibration.yml (not in make test)
	$(RASA_ENV) $(VENV_RASA)/bin/python -m scripts.calibrate_ood $$(ls -t models/*.tar.gz | head -1)

test-scale: model ## two Rasa replicas on the PostgreSQL tracker store and Redis lock store
	$(VENV)/bin/pytest -q tests/scale

test: venv lint typecheck unit validate test-nlu test-stories test-e2e test-scale ## everything CI checks

bench: model ## benchmarks: tariff engine, REST latency and load, training time (not in make test)
	$(PY) -m tests.bench.tariff
	$(PY) -m tests.bench.rest_latency
	$(PY) -m tests.bench.telegram_latency
	$(PY) -m tests.bench.load

lock: ## regenerate requirements/*.lock from requirements/rasa.in and pyproject.toml
	scripts/lock

clean: ## remove environments, database and caches
	rm -rf $(VENV) $(VENV_RASA) var models results .bench .pytest_cache .mypy_cache .ruff_cache .hypothesis
