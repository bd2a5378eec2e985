# The README's commands. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLUGINS := $(sort $(dir $(wildcard plugins/*/setup.cfg)))
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test install install-test catalogues dist translations bench bench-export bench-cluster docs coverage-plugins clean screenshots screenshots-report-back screenshots-residents screenshots-dashboard

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs the core and every plugin under plugins/ (editable), so the checkout is what runs. The install
# is redone only when a setup file changed (a stamp in the venv): an editable install already sees code edits.
SETUP_FILES := setup.cfg pyproject.toml $(wildcard plugins/*/setup.cfg plugins/*/pyproject.toml)
INSTALLED := $(VENV)/.installed
INSTALLED_TEST := $(VENV)/.installed-test
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard ladder/translations/*/LC_MESSAGES/*.po))

install: $(INSTALLED) catalogues

# The distributions were called ladder and ladder-NAME before: a venv that still has them would load every
# plugin twice (and fail them), so they go first (before the install: they share the `ladder` script).
RENAMED := ladder $(foreach p,$(PLUGINS),ladder-$(subst _,-,$(notdir $(patsubst %/,%,$(p)))))
UNINSTALL_RENAMED := $(BIN)/pip uninstall --quiet --yes $(RENAMED) 2>/dev/null || true

$(INSTALLED): $(BIN)/python $(SETUP_FILES)
	@$(UNINSTALL_RENAMED)
	$(BIN)/pip install --quiet -e . $(addprefix -e ,$(PLUGINS))
	touch $@

catalogues: $(CATALOGUES)

%.mo: %.po | $(BIN)/python
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After changing interface text: extract it and update the catalogues (then translate in the .po files).
translations: $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k _l -k msg -o ladder/translations/messages.pot .
	$(BIN)/pybabel update -i ladder/translations/messages.pot -d ladder/translations

# Spectral (npm) lints the OpenAPI document against .spectral.yml (tests/test_conventions.py); installed
# into .ci/node/ so the tests never depend on npx's cache. Without npm the test skips, and fails in CI.
SPECTRAL := .ci/node/node_modules/.bin/spectral

install-test: $(INSTALLED_TEST) catalogues
	@if command -v npm >/dev/null 2>&1; then \
	  test -x $(SPECTRAL) || npm install --no-save --no-audit --no-fund --prefix .ci/node @stoplight/spectral-cli@6; \
	else echo "npm not found: the Spectral test will skip (and fail in CI)"; fi

# the test extras include the core's own, so this stamp stands for both
$(INSTALLED_TEST): $(BIN)/python $(SETUP_FILES)
	@$(UNINSTALL_RENAMED)
	$(BIN)/pip install --quiet -e '.[test,docs]' $(addprefix -e ,$(PLUGINS))
	touch $@ $(INSTALLED)

# Wheels and sdists of the core and every plugin into dist/, checked with twine (what a municipality's
# IT installs: pip install dist/participatieladder-*.whl; docs/deploy.rst).
dist: install-test
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	@for p in $(PLUGINS); do $(BIN)/python -m build --outdir dist $$p || exit 1; done
	$(BIN)/twine check --strict dist/*

run: install
	$(BIN)/ladder init-db
	$(BIN)/ladder run --host $(HOST) --port $(PORT)

# Production serving: gunicorn, several workers sharing the database.
serve: install
	$(BIN)/ladder init-db
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) ladder.wsgi:app

# Two pytest workers per CPU (pytest-xdist: the tests wait on servers, browsers and subprocesses much of the
# time); each worker migrates its own SQLite file and PostgreSQL template once and copies them per test.
# Whole files go to a worker (a file's module fixtures are made once), in conftest's order (long files first).
# `make test WORKERS=0` runs in one process. Python keeps its bytecode caches here even where the machine turns them
# off (PYTHONDONTWRITEBYTECODE): else every worker, and every pytest and app process the tests start, rewrites the
# asserts of pytest's plugins and compiles ladder again (480 modules, 3-4 s of CPU per pytest process).
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))
test: install-test
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile --no-loadscope-reorder

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

# The staff dashboard's first screen at 320 and 1280 px, the whole page at 1280, and the "U zei, wij doen" form
# with its error summary (issue 23; docs/staff.rst).
screenshots-dashboard: install-test
	$(BIN)/python -m bench.screenshots_dashboard docs/screenshots

docs: install-test
	$(BIN)/sphinx-build -W -b html docs docs/_build/html

clean:
	rm -rf $(VENV) build dist *.egg-info docs/_build .pytest_cache
