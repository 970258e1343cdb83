# OK OCE Mart: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000

.PHONY: run setup db demo test soak audit lint messages clean bench-search

## make run: install everything, create the SQLite database, load demo data, serve on http://127.0.0.1:8000
run: demo
	@echo ""
	@echo "OK OCE Mart is starting on http://$(HOST)/  (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST)

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found %d.%d). Run: make PYTHON=/path/to/python3.11" % sys.version_info[:2])'
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

clean:
	rm -rf var
