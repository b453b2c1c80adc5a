# Ledgerline CRM — `make run` serves the app (and runs its background jobs), `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
STAMP := $(VENV)/.installed
# Exact versions from the lock file when there is one (`make lock` rebuilds it).
REQUIREMENTS := $(if $(wildcard requirements.lock),requirements.lock,requirements-dev.txt)
# Test workers: one per core, at most 2 (TEST_WORKERS=0 runs the suite in one process).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 2 ] && n=2; echo $$n)

.PHONY: run test install lock lint format typecheck db catalogues translations browsers bench clean

$(STAMP): requirements.txt requirements-dev.txt $(wildcard requirements.lock)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(REQUIREMENTS)
	touch $(STAMP)

install: $(STAMP)

# Pin runtime and development dependencies (requirements-dev.txt includes requirements.txt)
# to exact versions in requirements.lock; run after changing either file, then `make install`.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--no-emit-trusted-host --output-file requirements.lock requirements-dev.txt

# ruff (configured in pyproject.toml): lint, and the tree as `ruff format` writes it (run
# `make format` to apply); every third-party import declared in requirements; the type check.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) tools/check_imports.py
	$(MAKE) typecheck

# mypy (configured in pyproject.toml): crm, app.py and config.py with the models seen as
# untyped, then the models on their own.
format: $(STAMP)
	$(VENV)/bin/ruff format .

typecheck: $(STAMP)
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --no-warn-unused-configs crm/models/*.py

# Compile the catalogues (.po -> .mo, not committed); run and test do this first.
catalogues: $(STAMP)
	$(VENV)/bin/pybabel compile -d translations
	$(VENV)/bin/pybabel compile -d translations-framework

# The translator's round: extract every marked string into translations/messages.pot,
# merge it into each language's catalogue, then compile. New messages arrive untranslated
# (tests/unit/test_catalogues.py fails until they are translated): list them with
# `python tools/catalog.py todo de`, fill them with `python tools/catalog.py fill de FILE.json`.
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k gettext -k _ -k ngettext:1,2 \
		-o translations/messages.pot . >/dev/null
	$(VENV)/bin/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations
	$(MAKE) catalogues

# The web server syncs roles and permissions at start; other commands leave it to sync-roles.
db: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) crm sync-roles

run: install catalogues db
	$(FLASK) crm seed-demo
	@echo "Open http://127.0.0.1:5000 and sign in as northwind-admin (password above)."
	@# The jobs consumer runs beside the web server; stopping one (Ctrl-C) stops both.
	@trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		$(FLASK) crm worker & worker=$$!; \
		$(FLASK) run --host 127.0.0.1 --port 5000

browsers:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)
	@command -v dovecot >/dev/null 2>&1 || command -v /usr/sbin/dovecot >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd)

test: install catalogues browsers
	$(PY) -m pytest -q -n $(TEST_WORKERS)

bench: install
	$(PY) benchmarks/list_customers.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache
