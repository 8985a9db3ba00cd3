# Everything a fresh clone needs. `make site` and `make test` are the README's quick start.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `npm ci` writes this file; it stands for an installed node_modules/ (lunr.js 2.3.9).
NODE_STAMP := node_modules/.package-lock.json
CHROMIUM := /usr/bin/chromium

.PHONY: site test serve bench validate clean node_modules browser

# `make site SITE_ARGS="--date 2026-12-01"` judges statuses on another day (default: today in Vietnam).
site: $(STAMP) $(NODE_STAMP)
	$(PY) build.py build $(SITE_ARGS)

test: $(STAMP) $(NODE_STAMP) browser
	$(PY) -m pytest

serve: $(STAMP) $(NODE_STAMP)
	$(PY) build.py serve

# Benchmarks at 1k-10k synthetic listings vs plain mkdocs-material (~15 min on 2 cores);
# writes docs/performance.md. `make bench BENCH_ARGS=--quick` for a short run.
bench: $(STAMP) $(NODE_STAMP) browser
	$(PY) bench/run.py $(BENCH_ARGS)

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

# Debian packages for the browser tests: chromium (driven by Playwright; never `playwright install`)
# and nginx-light (the deploy guide's server block is tested for real). Installing needs root, as in CI.
DEBIAN_PACKAGES := chromium nginx-light

browser:
	@test -x $(CHROMIUM) -a -x /usr/sbin/nginx || { \
	  test "$$(id -u)" = 0 || { echo "cần quyền root để cài $(DEBIAN_PACKAGES): sudo make browser / run 'make browser' as root"; exit 1; }; \
	  apt-get update && apt-get install -y --no-install-recommends $(DEBIAN_PACKAGES); }

clean:
	rm -rf site build .cache
