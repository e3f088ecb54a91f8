# One-command set-up on a fresh machine with only Python 3.11: every target creates .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: serve build check test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

serve: $(VENV)/.installed ## build the shipped content and serve it with live reload
	$(PY) build.py serve --port $(PORT)

build: $(VENV)/.installed ## build content/ into site/
	$(PY) build.py build

check: $(VENV)/.installed ## validate content/ (path:line: message for every problem)
	$(PY) build.py check

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

test: $(VENV)/.installed node_modules/.package-lock.json ## the whole test suite (browser tests included), plus lint
	$(PY) -m ruff check .
	$(PY) -m pytest -n auto

bench: $(VENV)/.installed ## time cold, no-change and incremental builds at N=1,000 and 10,000 (and Hugo's, if installed)
	$(PY) benchmarks/bench.py --n 1000 10000 --runs 3

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf site $(VENV) .pytest_cache .ruff_cache .ledger-cache node_modules test-artifacts
