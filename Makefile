# One-command set-up on a fresh machine with only Python 3.11: every target creates .venv first (from the lock).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

LOCK := requirements/lock.txt

.PHONY: serve build check test lint bench clean system-packages lock

# Exactly the versions in the lock, each checked against its hash; then the project itself.
$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# After changing dependencies in pyproject.toml: re-pin, keeping the other pins (UV_ARGS=--upgrade moves them all).
# uv's universal lock has markers (colorama on Windows …), so plain pip installs it on any platform.
lock:
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet uv
	UV_CUSTOM_COMPILE_COMMAND="make lock" $(VENV)-lock/bin/uv pip compile --quiet --universal --generate-hashes \
	  --extra test --extra dev $(UV_ARGS) --output-file $(LOCK) pyproject.toml

serve: $(VENV)/.installed ## build the shipped content and serve it with live reload
	$(PY) build.py serve --port $(PORT)

build: $(VENV)/.installed ## build content/ into site/
	$(PY) build.py build

check: $(VENV)/.installed ## validate content/ (path:line: message for every problem)
	$(PY) build.py check

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Debian packages the tests need, installed with apt-get only when missing (as root, or through sudo):
# Chromium for the browser tests (Playwright never downloads a browser of its own), a Java runtime
# for the Nu HTML Checker (vnu-jar), faketime for the reproducibility test's shifted clock.
system-packages:
	@missing=""; [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v faketime >/dev/null || missing="$$missing faketime"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the tests:$$missing"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); export DEBIAN_FRONTEND=noninteractive; \
	  $$sudo mkdir -p /usr/share/man/man1; \
	  $$sudo apt-get install -y --no-install-recommends $$missing \
	    || { $$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends $$missing; }; \
	fi

test: $(VENV)/.installed node_modules/.package-lock.json system-packages ## the whole test suite (browser tests included), plus lint and the shipped record's check
	$(PY) -m ruff check .
	# The shipped record carries no warning: every paragraph cites, no page unreviewed for a year (issue 14).
	$(PY) build.py check --strict
	$(PY) -m pytest -n auto

bench: $(VENV)/.installed ## time cold, no-change and incremental builds at N=1,000 and 10,000 (and Hugo's, if installed)
	$(PY) benchmarks/bench.py --n 1000 10000 --runs 3

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf site $(VENV) $(VENV)-lock .pytest_cache .ruff_cache .ledger-cache node_modules test-artifacts
