# Everything a fresh clone needs. `make site` and `make test` are the README's quick start.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `npm ci` writes this file; it stands for an installed node_modules/ (lunr.js 2.3.9).
NODE_STAMP := node_modules/.package-lock.json
CHROMIUM := /usr/bin/chromium

.PHONY: site test serve bench validate clean node_modules browser

site: $(STAMP) $(NODE_STAMP)
	$(PY) build.py build

test: $(STAMP) $(NODE_STAMP) browser
	$(PY) -m pytest

serve: $(STAMP) $(NODE_STAMP)
	$(PY) build.py serve

validate: $(STAMP)
	$(PY) build.py validate

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# lunr.js for the search page, exactly as pinned in package-lock.json.
node_modules: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Debian chromium for the end-to-end tests (Playwright drives it; never `playwright install`).
# Installing needs root, as in CI.
browser:
	@test -x $(CHROMIUM) || { \
	  test "$$(id -u)" = 0 || { echo "cần quyền root để cài chromium: sudo make browser / run 'make browser' as root"; exit 1; }; \
	  apt-get update && apt-get install -y --no-install-recommends chromium; }

clean:
	rm -rf site build .cache
