# Souk: two commands on a fresh machine.
#   make demo   virtualenv, services, migrations, five demo marketplaces, web + worker + beat
#   make test   the same environment, then the whole suite
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed
# Front-end packages from npm, exactly as package-lock.json says: the themes' fonts (copied
# where static files serve them, scripts/fonts.py), the stream page's hls.js (scripts/vendor.py)
# and the browser tests' axe-core.
NODE_STAMP := node_modules/.installed
FONTS_STAMP := .local/fonts/.installed
VENDOR_STAMP := .local/vendor/.installed
# Static files under hashed names with gzip copies (config/staticfiles.py), collected again only
# when a static file of ours, a font or an installed package changed: cheap when nothing did.
STATIC_STAMP := staticfiles/.collected
STATIC_SOURCES := $(shell find . \( -path ./node_modules -o -path ./.venv -o -path ./staticfiles \
  -o -path ./.local -o -path ./.git \) -prune -o -path '*/static/*' -type f -print 2>/dev/null)
ENV := eval "$$($(PY) scripts/devenv.py up)" && export DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
PORT ?= 8000
# Parallel pytest workers (pytest-xdist), each with its own test database and Redis keys.
TEST_WORKERS ?= 2

.PHONY: demo test test-fast lint typecheck format migrate services stop bench bench-web bench-fleet chromium media-tools static

$(VENV_STAMP): pyproject.toml
	python3.11 -m venv .venv || python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -e '.[dev]'
	touch $(VENV_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(FONTS_STAMP): $(NODE_STAMP) themes/fonts.py scripts/fonts.py
	python3 scripts/fonts.py .local/fonts
	touch $(FONTS_STAMP)

$(VENDOR_STAMP): $(NODE_STAMP) scripts/vendor.py
	python3 scripts/vendor.py .local/vendor
	touch $(VENDOR_STAMP)

$(STATIC_STAMP): $(VENV_STAMP) $(FONTS_STAMP) $(VENDOR_STAMP) $(STATIC_SOURCES)
	DJANGO_DEBUG=1 $(PY) manage.py collectstatic --noinput -v 0
	touch $(STATIC_STAMP)

static: $(STATIC_STAMP)

# The browser tests drive Debian's Chromium (Playwright's own browser download does not work on
# these machines): installed when missing, silent when it is there.
chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "Installing Debian's chromium and chromium-driver for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

# The live-stream ingest test runs Debian's nginx with its RTMP module (platform/nginx-rtmp.conf)
# and publishes a test pattern with ffmpeg: installed when missing, silent when they are there.
media-tools:
	@command -v nginx >/dev/null && command -v ffmpeg >/dev/null && \
	  [ -e /usr/share/nginx/modules-available/mod-rtmp.conf ] || { \
	  echo "Installing Debian's nginx, libnginx-mod-rtmp and ffmpeg for the live-stream tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx libnginx-mod-rtmp ffmpeg >/dev/null; }

services: $(VENV_STAMP) $(FONTS_STAMP) $(STATIC_STAMP)
	@$(PY) scripts/devenv.py up >/dev/null

migrate: services
	$(ENV) && $(PY) manage.py migrate_schemas --noinput -v 0

demo: migrate
	@mkdir -p .local
	$(ENV) && export PORT=$(PORT) SOUK_URL_PORT=$${SOUK_URL_PORT:-$(PORT)} && $(PY) manage.py souk_demo && \
	  PATH="$(CURDIR)/.venv/bin:$$PATH" .venv/bin/honcho -f platform/Procfile.demo start

test: services chromium media-tools $(NODE_STAMP)
	$(ENV) && export CELERY_TASK_ALWAYS_EAGER=0 && \
	  $(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope --durations=30 $(PYTEST_ARGS)

# The suite without the tests marked slow (real workers and servers, schemathesis, the URL walk,
# thread races, S3): for the edit-test loop. CI runs `make test`, everything.
test-fast: services
	$(ENV) && export CELERY_TASK_ALWAYS_EAGER=0 && \
	  $(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope -m "not slow" $(PYTEST_ARGS)

lint: $(VENV_STAMP)
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

typecheck: services
	$(ENV) && .venv/bin/mypy

format: $(VENV_STAMP)
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench: migrate
	$(ENV) && $(PY) bench/provision.py && $(PY) bench/routing.py && $(PY) bench/search.py && $(PY) bench/webhooks.py \
	  && $(PY) bench/realtime.py

# Lighthouse (mobile) and server time of every preset's home, search, profile and listing,
# against gunicorn serving the demo marketplaces (bench/web.py): a database of its own.
bench-web: migrate chromium $(NODE_STAMP)
	$(ENV) && export DATABASE_URL=$${DATABASE_URL%/souk}/souk_bench_web && $(PY) bench/web.py

# A fleet of 1,000 marketplaces (kept between runs: growing it takes a while), creation at that
# size and in a burst, migrations over the fleet (bench/fleet.py): a database of its own.
bench-fleet: migrate
	$(ENV) && $(PY) bench/fleet.py $(BENCH_ARGS)

stop:
	$(PY) scripts/devenv.py down
