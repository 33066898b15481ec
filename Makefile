# Two commands a newcomer needs: `make run` and `make test`. Everything else is below them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PG_URL ?= postgres://postgres@127.0.0.1:5432/vanban
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: setup run test test-e2e test-services services lint format bench bench-fanout worker beat clean ensure-poppler

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)
	mkdir -p var

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: setup ensure-poppler
	$(BIN)/python -m pytest -m "not postgres and not services and not e2e" -p no:cacheprovider

# The signature tests read the signed PDFs with poppler's pdfsig and pdftoppm (Debian's
# poppler-utils), installed here when missing and we are root; under CI=true they fail
# without it, elsewhere they say what to install.
ensure-poppler:
	@test -x /usr/bin/pdfsig || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq poppler-utils; } \
		|| echo "the signature tests need pdfsig (apt-get install poppler-utils)"

# The journeys in a real browser: Playwright drives Debian's Chromium (installed here when
# missing and we are root; never a downloaded browser build) against a live test server.
test-e2e: setup
	@test -x /usr/bin/chromium || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq chromium; } \
		|| { echo "test-e2e needs /usr/bin/chromium (apt-get install chromium)"; exit 1; }
	$(BIN)/python -m pytest tests/e2e -m e2e -p no:cacheprovider

# The same suite on PostgreSQL (a throwaway test database) with Redis; PostgreSQL-only tests
# (races, triggers) run here and fail, never skip, when the service is missing.
test-services: setup services ensure-poppler
	DATABASE_URL=$(PG_URL) REQUIRE_SERVICES=1 \
		$(BIN)/python -m pytest -m "not e2e" --create-db -p no:cacheprovider

services:
	bash .ci/services.sh

# Delivery the production way: a Celery worker and beat (sweeper, reminders) on Redis, beside
# the web process and with the same DATABASE_URL. CELERY_BROKER_URL defaults to REDIS_URL.
worker: setup
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(REDIS_URL)} $(BIN)/celery -A config worker --loglevel=INFO

beat: setup
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(REDIS_URL)} $(BIN)/celery -A config beat --loglevel=INFO \
		--schedule=var/celerybeat-schedule

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/lifecycle.py $(BENCH_ARGS)

# Dispatch to 1,000 recipients with real workers on Redis and a throwaway PostgreSQL database.
bench-fanout: setup services
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) var
