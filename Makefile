# The README's commands. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLUGINS := $(sort $(dir $(wildcard plugins/*/setup.cfg)))
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test install install-test translations bench bench-export bench-cluster docs coverage-plugins clean screenshots screenshots-report-back screenshots-residents

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs the core and every plugin under plugins/ (editable), so the checkout is what runs.
install: $(BIN)/python
	$(BIN)/pip install --quiet -e . $(addprefix -e ,$(PLUGINS))
	$(BIN)/pybabel compile --statistics -d ladder/translations

# After changing interface text: extract it and update the catalogues (then translate in the .po files).
translations: $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k _l -o ladder/translations/messages.pot .
	$(BIN)/pybabel update -i ladder/translations/messages.pot -d ladder/translations

# Spectral (npm) lints the OpenAPI document against .spectral.yml (tests/test_conventions.py); installed
# into .ci/node/ so the tests never depend on npx's cache. Without npm the test skips, and fails in CI.
SPECTRAL := .ci/node/node_modules/.bin/spectral

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,docs]' $(addprefix -e ,$(PLUGINS))
	$(BIN)/pybabel compile --statistics -d ladder/translations
	@if command -v npm >/dev/null 2>&1; then \
	  test -x $(SPECTRAL) || npm install --no-save --no-audit --no-fund --prefix .ci/node @stoplight/spectral-cli@6; \
	else echo "npm not found: the Spectral test will skip (and fail in CI)"; fi

run: install
	$(BIN)/ladder init-db
	$(BIN)/ladder run --host $(HOST) --port $(PORT)

# Production serving: gunicorn, several workers sharing the database.
serve: install
	$(BIN)/ladder init-db
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) ladder.wsgi:app

test: install-test
	$(BIN)/python -m pytest

coverage-plugins: install-test
	@for p in $(PLUGINS); do \
	  name=$$(basename $$p); \
	  echo "== $$name"; \
	  $(BIN)/python -m pytest -q $$p --cov=ladder_$$name --cov-branch --cov-report=term-missing || exit 1; \
	done

bench: install-test
	$(BIN)/python -m bench.submit

bench-export: install-test
	$(BIN)/python -m bench.export

# Two gunicorn servers on one PostgreSQL database and one Redis (LADDER_TEST_PG, LADDER_BENCH_REDIS):
# close, kill -9, restart, nothing lost; throughput ratio on PostgreSQL and SQLite; resident-path latency.
bench-cluster: install-test
	$(BIN)/python -m bench.cluster

# Screenshots at 320 px of a question page, the result page and the public results (docs/residents.rst shows them).
screenshots: install-test
	$(BIN)/python -m bench.screenshots docs/screenshots

# Screenshots of /r/ and the staff dashboard at 320 and 1280 px with 300 seeded responses (docs/report-back.rst).
screenshots-report-back: install-test
	$(BIN)/python -m bench.screenshots_report_back docs/screenshots

# The pages issue 23 changed, at 320 and 1280 px in each language they offer; prints each start and
# result page's first phone screen.
screenshots-residents: install-test
	$(BIN)/python -m bench.screenshots_residents docs/screenshots/residents

docs: install-test
	$(BIN)/sphinx-build -W -b html docs docs/_build/html

clean:
	rm -rf $(VENV) build *.egg-info docs/_build .pytest_cache
