# Ledgerline CRM — `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
STAMP := $(VENV)/.installed

.PHONY: run test install db translations messages browsers bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(VENV)/bin/pybabel compile -d translations; fi

# Refresh translations/messages.pot and every catalog from the marked strings.
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k gettext -k _ -o translations/messages.pot .
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(VENV)/bin/pybabel update -i translations/messages.pot -d translations; fi

db: $(STAMP)
	$(FLASK) db upgrade

run: install translations db
	$(FLASK) crm seed-demo
	@echo "Open http://127.0.0.1:5000 and sign in as northwind-admin (password above)."
	$(FLASK) run --host 127.0.0.1 --port 5000

browsers:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

test: install translations browsers
	$(PY) -m pytest -q

bench: install
	$(PY) benchmarks/list_customers.py

clean:
	rm -rf $(VENV) instance .pytest_cache
