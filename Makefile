# Samhjälp: `make run` for the demo, `make test` for the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: install messages build run web worker test lint format check bench-load clean

# deploy/build is the one build: here, in CI, in the systemd set-up, the image and the Procfile.
$(VENV)/.installed: requirements.txt requirements-dev.txt deploy/build
	VENV=$(VENV) REQUIREMENTS=requirements-dev.txt deploy/build venv
	touch $@

install: $(VENV)/.installed

# Translations are kept as .po files; the compiled .mo files are built here (needs gettext).
messages: install
	VENV=$(VENV) deploy/build messages

# A release as deployed: compiled messages and static files collected with hashed names.
build: install
	VENV=$(VENV) deploy/build messages static

# Web (daphne: HTTP and websockets) and the background worker together; Ctrl-C stops both.
run: build
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py sms_sweep --schedule
	$(PY) manage.py anonymise
	@echo "Samhjälp on http://$(HOST):$(PORT)/  (Ctrl-C stops web and worker)"
	@$(PY) -m daphne --bind $(HOST) --port $(PORT) config.asgi:application & web=$$!; \
	$(PY) manage.py task_worker --interval 0.5 & worker=$$!; \
	trap 'kill $$web $$worker 2>/dev/null' INT TERM; \
	wait $$web $$worker; kill $$web $$worker 2>/dev/null; wait

web: messages
	$(PY) -m daphne --bind $(HOST) --port $(PORT) config.asgi:application

worker: messages
	$(PY) manage.py sms_sweep --schedule
	$(PY) manage.py task_worker --interval 0.5

test: messages
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis

# Signed inbound SMS at 200/s for 60 s plus a burst, against daphne and workers on PostgreSQL
# and Redis. Needs BENCH_DATABASE_URL (a database of its own: it is flushed) and REDIS_URL.
bench-load: messages
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/load.py $(BENCH_ARGS)
