# Entre pairs — the two set-up commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint imports format install install-test migrate seed bench soak deploy-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# The demo accounts use their powers without a second factor (README, demo accounts).
run: seed
	@echo "Entre pairs : http://$(HOST):$(PORT)/"
	PORT=$(PORT) REQUIRE_MFA_FOR_POWERS=$${REQUIRE_MFA_FOR_POWERS:-0} $(BIN)/daphne -b $(HOST) -p $(PORT) entrepairs.asgi:application

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Import contracts ([tool.importlinter] in pyproject.toml): the layers of the apps, no cycle inside
# an app, and clubs.access on models only. `make lint` enforces every one.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-logo

imports: install-test
	$(BIN)/lint-imports --no-logo

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Speed and scale against baselines, on the local PostgreSQL and Redis (docs/performance.md).
bench: install-test
	$(BIN)/python -m bench.run
	$(BIN)/python bench/search_latency.py

# Load and soak: 200 simulated members for 2 minutes against one daphne process, PostgreSQL and
# Redis on loopback (SOAK_MEMBERS, SOAK_SECONDS, SOAK_DATABASE_URL, REDIS_URL).
soak: install-test
	$(BIN)/python bench/soak.py

# The production shape of deploy/ on this machine: nginx (TLS), two daphne processes, the worker,
# PostgreSQL and Redis, checked through nginx only (tests/deploy, docs/deployment.md).
deploy-check: install-test
	DEPLOY_CHECK=1 $(BIN)/python -m pytest -p no:cacheprovider -p no:xdist tests/deploy $(PYTEST_ARGS)
