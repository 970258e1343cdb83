# OK OCE Mart: the two commands a newcomer needs are `make run` and `make test`.
# Python 3.11 to 3.13: what the pinned Django 5.2, django-oscar 4.2.1 and Wagtail 8.0 support and every
# other pin installs on (the pinned hypothesis needs 3.11+; 3.14 is untried). The newest one on PATH is
# used; `make run PYTHON=/path/to/python3.x` overrides.
PYTHON_SUPPORTED := python3.13 python3.12 python3.11 python3
PYTHON_CHECK := import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)
PYTHON ?= $(shell for p in $(PYTHON_SUPPORTED); do \
	command -v $$p >/dev/null 2>&1 && $$p -c '$(PYTHON_CHECK)' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000

.PHONY: run setup db demo test soak audit lint messages clean bench-search bench serve prodlike

## make run: install everything, create the SQLite database, load demo data, serve on http://127.0.0.1:8000
run: demo
	@echo ""
	@echo "OK OCE Mart is starting on http://$(HOST)/  (Ctrl+C to stop)"
	@echo "Emails the shop sends are written as files to $${EMAIL_FILE_PATH:-$${VAR_DIR:-var}/mail}/ (EMAIL_BACKEND to change)"
	$(BIN)/python manage.py runserver $(HOST)

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "No Python 3.11 to 3.13 found on PATH (python3.13, python3.12, python3.11, python3). Install one, or run: make run PYTHON=/path/to/python3.x"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else "Python 3.11 to 3.13 is needed (found %d.%d). Run: make run PYTHON=/path/to/python3.x" % sys.version_info[:2])'
	@echo "Using $(PYTHON) ($$($(PYTHON) -c 'import platform; print(platform.python_version())'))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

db: setup
	@echo "Preparing the database (the first time takes about a minute on SQLite)..."
	$(BIN)/python manage.py migrate --noinput -v 1

demo: db
	$(BIN)/python manage.py load_demo

## make test: the whole test suite (services it cannot find are skipped unless STRICT_SERVICES=1)
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make soak: 10 minutes of shoppers and sellers against gunicorn, and a longer fuzz (SOAK_SECONDS, FUZZ_EXAMPLES)
soak: setup
	SOAK_SECONDS=$${SOAK_SECONDS:-600} FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3000} \
		$(BIN)/python -m pytest tests/reliability/test_soak.py tests/security/test_fuzz_forms.py $(PYTEST_ARGS)

## make audit: pip-audit of requirements.txt (says plainly when no vulnerability service is reachable)
audit: setup
	$(BIN)/python scripts/audit.py

lint: setup
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## make messages: refresh and compile the id/en translation catalogs (needs gettext)
messages: setup
	$(BIN)/python manage.py makemessages -l id -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

## make bench-search [SIZE=100000]: search indexing speed and latency on a SIZE-product demo catalogue
## (needs Elasticsearch at ELASTICSEARCH_URL, default http://127.0.0.1:19200; results in bench/results/)
SIZE ?= 100000
ELASTICSEARCH_URL ?= http://127.0.0.1:19200
BENCH_QUICK = $(shell [ $(SIZE) -lt 20000 ] && echo 1)
bench-search: setup
	ELASTICSEARCH_URL=$(ELASTICSEARCH_URL) $(BIN)/python bench/search_index.py --size $(SIZE) --keep \
		$(if $(BENCH_QUICK),--no-variants --no-profile)
	ELASTICSEARCH_URL=$(ELASTICSEARCH_URL) $(BIN)/python bench/search_latency.py --size $(SIZE) \
		$(if $(BENCH_QUICK),--warmup 1 --rounds 5 --seconds 10 --db-rounds 2 --db-seconds 5)

## make serve: production mode on this machine: DEBUG=0, a throwaway SECRET_KEY unless one is set,
## collectstatic, then gunicorn (storefront/gunicorn.conf.py; GUNICORN_BIND, default 127.0.0.1:8000)
serve: db
	@export DEBUG=0 \
		SECRET_KEY="$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')}" \
		ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
		SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}"; \
	$(BIN)/python manage.py collectstatic --noinput -v 1 && \
	echo "OK OCE Mart (production settings) on http://$${GUNICORN_BIND:-127.0.0.1:8000}/  (Ctrl+C to stop)" && \
	exec $(BIN)/gunicorn storefront.wsgi -c storefront/gunicorn.conf.py

## make prodlike: PostgreSQL primary + streaming replica, Redis, a 3-node Elasticsearch, stripe-mock, Celery worker
## and beat, gunicorn (2 workers), production settings; demo data; the shopper, seller and editor journeys over
## HTTP; everything stopped again (scripts/prodlike.sh; ports and folder: PRODLIKE_* variables)
prodlike: setup
	scripts/prodlike.sh

## make bench [SIZE=20000] [QUICK=1]: the shop's pages under gunicorn (production settings, 2 workers) against a
## bare Django view, with wrk; SQL queries per page. Catalogue in /tmp/okbench-web/SIZE/ (DATABASE_URL: PostgreSQL).
## Table and chart in bench/results/. QUICK=1: 3 s per page, one round; otherwise 3 rounds of 10 s.
BENCH_SIZE = $(if $(filter command line environment,$(origin SIZE)),$(SIZE),20000)
bench: setup $(VENV)/.bench-installed
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && apt-get install -y -q wrk >/dev/null 2>&1; } || \
		echo "wrk is not installed: using the Python load generator"
	$(BIN)/python bench/web.py --size $(BENCH_SIZE) $(if $(QUICK),--quick) $(BENCH_ARGS)

$(VENV)/.bench-installed: bench/requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r bench/requirements.txt
	@touch $@

clean:
	rm -rf var
