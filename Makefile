# Two commands a newcomer needs: `make run` and `make test`. Everything else is below them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PG_URL ?= postgres://postgres@127.0.0.1:5432/vanban
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: setup run test test-client test-e2e test-services services lint lock bandit check-deploy format bench bench-fanout worker beat clean \
	render-deps render-demo static-vendor

# Every package, direct or not, at the version and with the hashes of the lock files
# (requirements*.txt, made by `make lock` from requirements*.in): a fresh install is the same
# install.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)
	mkdir -p var

# The embedded demo: development mode (DEBUG=1: SQLite, eager Celery, console e-mail, the
# public development key). Without DEBUG the settings are production's and refuse all that.
# `make run PORT=8011 HOST=0.0.0.0` serves on another port, or to the network (a phone on
# the same Wi-Fi, say): on every interface any Host is then answered (it is the demo, on its
# public key), on one address that address; ALLOWED_HOSTS in the environment wins.
HOST ?= 127.0.0.1
PORT ?= 8000
comma := ,
RUN_HOSTS = $(if $(filter 0.0.0.0 ::,$(HOST)),*,127.0.0.1$(comma)localhost$(comma)$(HOST))
run: export DEBUG = 1
run: export ALLOWED_HOSTS ?= $(RUN_HOSTS)
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suites run on every core (pytest-xdist; each worker has its own test database, media and
# key store, config/test_settings.py); `make test PYTEST_WORKERS=0` runs them in one process.
# `--dist load` hands tests out in collection order, where the tests that commit (and flush
# the demo away after themselves) come last: a worker never runs a demo test after one.
PYTEST_WORKERS ?= auto
XDIST = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist load)
test: setup render-deps
	$(BIN)/python -m pytest -m "not postgres and not services and not e2e and not client" -p no:cacheprovider $(XDIST)

# The API as its clients see it: openapi-python-client generates a Python client from the
# schema (`manage.py spectacular`; any warning fails) and the seed plan's journey runs through
# it against a live test server.
test-client: setup
	$(BIN)/python -m pytest tests/api/test_client.py -m client -p no:cacheprovider

# PDF rendering (WeasyPrint) needs Pango from the system; the tests and make render-demo read
# pages back with poppler-utils. Installed here when missing and we are root, as Chromium is.
RENDER_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
render-deps: setup
	@{ $(BIN)/python -c "import weasyprint" 2>/dev/null && command -v pdftoppm >/dev/null; } \
		|| { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq $(RENDER_PACKAGES); } \
		|| { echo "PDF rendering needs: apt-get install $(RENDER_PACKAGES)"; exit 1; }

# The demo's documents as a person sees them: the seed plan (draft and issued) and a công văn
# as PDF, and a PNG of every page, in var/render/ (git-ignored), from a scratch demo database.
RENDER_DB := sqlite:///$(CURDIR)/var/render-demo.sqlite3
render-demo: export DEBUG = 1
render-demo: render-deps
	rm -f var/render-demo.sqlite3 var/render/*.pdf var/render/*.png
	DATABASE_URL=$(RENDER_DB) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(RENDER_DB) $(BIN)/python manage.py render_demo --out var/render
	for pdf in var/render/*.pdf; do pdftoppm -r 100 -png "$$pdf" "$${pdf%.pdf}"; done
	@ls var/render

# The journeys in a real browser: Playwright drives Debian's Chromium (installed here when
# missing and we are root; never a downloaded browser build) against a live test server.
test-e2e: setup
	@test -x /usr/bin/chromium || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq chromium; } \
		|| { echo "test-e2e needs /usr/bin/chromium (apt-get install chromium)"; exit 1; }
	$(BIN)/python -m pytest tests/e2e -m e2e -p no:cacheprovider $(XDIST)

# The suite again on PostgreSQL (a throwaway test database) with Redis; PostgreSQL-only tests
# (races, triggers) run here and fail, never skip, when the service is missing. Tests marked
# any_engine (the screens, whose selectors the domain's tests prove here, and rendering,
# signing, settings and house rules) ran in `make test` and are not run twice.
# The real-worker tests start Celery processes of their own and time them: they run after the
# rest, alone.
test-services: setup services render-deps
	DATABASE_URL=$(PG_URL) REQUIRE_SERVICES=1 \
		$(BIN)/python -m pytest -m "not e2e and not client and not services and not any_engine" --create-db \
		-p no:cacheprovider $(XDIST)
	DATABASE_URL=$(PG_URL) REQUIRE_SERVICES=1 \
		$(BIN)/python -m pytest -m "services" --create-db -p no:cacheprovider

services:
	bash .ci/services.sh

# Delivery the production way: a Celery worker and beat (sweeper, reminders) on Redis, beside
# the web process and with the same DATABASE_URL. CELERY_BROKER_URL defaults to REDIS_URL.
worker: setup
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(REDIS_URL)} $(BIN)/celery -A config worker --loglevel=INFO

beat: setup
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(REDIS_URL)} $(BIN)/celery -A config beat --loglevel=INFO \
		--schedule=var/celerybeat-schedule

# After changing requirements.in or requirements-dev.in (direct dependencies, pinned): the
# lock files with every transitive package and its hashes. Production installs
# requirements.txt with pip install --require-hashes.
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: setup
	$(LOCK) --output-file=requirements.txt requirements.in
	$(LOCK) --output-file=requirements-dev.txt requirements-dev.in

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Security lint: fails on any finding of medium severity or more (justified ones carry
# `# nosec BXXX` with the reason beside them).
bandit: setup
	$(BIN)/bandit -q -r config documents orgchart workflow -x '*/migrations/*' -ll

# The deploy checks (Django's and config/checks.py) against a production-like environment:
# nothing may be reported, warnings included. Nothing here connects to the services.
check-deploy: setup
	DEBUG=False SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		ALLOWED_HOSTS=vanban.example.org DATABASE_URL=postgres://vanban@127.0.0.1:5432/vanban \
		CELERY_BROKER_URL=$(REDIS_URL) EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
		ADMIN_PATH=quan-tri-he-thong/ \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# The browser libraries the pages load, as committed copies (no CDN, no npm for `make run`):
# after changing a version in package.json (and `npm install` for package-lock.json), this
# installs exactly the lock file's versions and copies each library with its licence (without
# its source-map line: the map is not shipped, and a browser's tools would ask for it).
CHARTJS_VENDOR := workflow/static/workflow/vendor/chartjs
static-vendor:
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(CHARTJS_VENDOR)
	sed '/^\/\/# sourceMappingURL=/d' node_modules/chart.js/dist/chart.umd.js > $(CHARTJS_VENDOR)/chart.umd.js
	cp node_modules/chart.js/LICENSE.md $(CHARTJS_VENDOR)/LICENSE.md
	node -p '"chart.js " + require("./node_modules/chart.js/package.json").version' > $(CHARTJS_VENDOR)/VERSION

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: export DEBUG = 1
bench: setup
	$(BIN)/python bench/lifecycle.py $(BENCH_ARGS)

# Dispatch to 1,000 recipients with real workers on Redis and a throwaway PostgreSQL database.
bench-fanout: export DEBUG = 1
bench-fanout: setup services
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) var
