# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: demo test setup lint serve bench

HOST ?= 127.0.0.1
PORT ?= 8000
PY := .venv/bin/python

setup:
	@bash scripts/setup.sh

## Set everything up, load the demo (idempotent) and serve it on http://127.0.0.1:8000
demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## Set everything up, lint, and run the whole test suite (browser tests included)
test: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) -m playwright --version >/dev/null
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

## Benchmarks (PostgreSQL on 127.0.0.1; the autosave bench drives gunicorn with wrk)
bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || echo "wrk is missing (apt-get install wrk): the autosave bench will not run"
	$(PY) -m bench
