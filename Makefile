# Everything a fresh clone needs. `make site` and `make test` are the README's quick start.
# `make site` and `make serve` install only what the site needs; `make test` and `make bench`
# add the test tools (pytest, Playwright, jsonschema) and Debian's chromium. Each step says
# what it does: the first `make site` spends a minute or two in pip.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The runtime stamp keeps the name the GitHub workflows make (`make .venv/.installed`).
RUNTIME_STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# npm packages as pinned in package-lock.json: the site needs lunr.js only; the tests and the
# benchmarks add axe-core, MiniSearch, Pagefind and Lighthouse (about 200 MB, devDependencies).
NODE_STAMP := node_modules/.installed-site
NODE_DEV_STAMP := node_modules/.installed-dev
CHROMIUM := /usr/bin/chromium

.PHONY: site test serve bench validate clean node_modules browser

# `make site SITE_ARGS="--date 2026-12-01"` judges statuses on another day (default: today in Vietnam).
site: $(RUNTIME_STAMP) $(NODE_STAMP)
	$(PY) build.py build $(SITE_ARGS)

test: $(TEST_STAMP) $(NODE_DEV_STAMP) browser
	$(PY) -m pytest

serve: $(RUNTIME_STAMP) $(NODE_STAMP)
	$(PY) build.py serve

# Benchmarks vs plain mkdocs-material: skewed synthetic listings at 1k, 2.5k, 5k and 10k, even at 1k
# and 10k, memory, a 10k rebuild, search, a 10k live preview (about 25 min on 2 cores); writes its
# sections of docs/performance.md. `make bench BENCH_ARGS=--quick` (1k of each shape) takes about 4 min.
bench: $(TEST_STAMP) $(NODE_DEV_STAMP) browser
	$(PY) bench/run.py $(BENCH_ARGS)

validate: $(RUNTIME_STAMP)
	$(PY) build.py validate

# The site's own dependencies (pyproject.toml `dependencies`), in $(VENV)/.
$(RUNTIME_STAMP): pyproject.toml
	@echo "==> môi trường Python $(VENV)/ / Python environment $(VENV)/"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "==> cài các gói để dựng trang, 1-2 phút lần đầu / installing what the site needs, 1-2 minutes the first time"
	$(PY) -m pip install --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --disable-pip-version-check -e .
	touch $@

# Then the `test` extra only: after `make site`, `make test` installs just this.
$(TEST_STAMP): $(RUNTIME_STAMP) pyproject.toml
	@echo "==> cài công cụ kiểm thử (pytest, Playwright, jsonschema) / installing the test tools"
	$(PY) -m pip install --disable-pip-version-check -e '.[test]'
	touch $@

# lunr.js for the search page, exactly as pinned in package-lock.json.
node_modules: $(NODE_STAMP)

# After `make test` everything is there already (`npm ci --omit=dev` would only remove the test tools).
$(NODE_STAMP): package.json package-lock.json
	@echo "==> cài lunr.js (npm ci --omit=dev) / installing lunr.js"
	test $(NODE_DEV_STAMP) -nt package-lock.json || npm ci --omit=dev --ignore-scripts --no-audit --no-fund
	touch $@

$(NODE_DEV_STAMP): package.json package-lock.json
	@echo "==> cài lunr.js và công cụ kiểm thử (npm ci) / installing lunr.js and the test tools"
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@ $(NODE_STAMP)

# Debian packages for the browser tests: chromium (driven by Playwright; never `playwright install`)
# and nginx-light (the deploy guide's server block is tested for real). Installing needs root, as in CI.
DEBIAN_PACKAGES := chromium nginx-light

browser:
	@test -x $(CHROMIUM) -a -x /usr/sbin/nginx || { \
	  test "$$(id -u)" = 0 || { echo "cần quyền root để cài $(DEBIAN_PACKAGES): sudo make browser / run 'make browser' as root"; exit 1; }; \
	  apt-get update && apt-get install -y --no-install-recommends $(DEBIAN_PACKAGES); }

clean:
	rm -rf site build .cache
