# Entre pairs — the two set-up commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint imports format install install-test migrate seed bench soak

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
	REQUIRE_MFA_FOR_POWERS=$${REQUIRE_MFA_FOR_POWERS:-0} $(BIN)/daphne -b $(HOST) -p $(PORT) entrepairs.asgi:application

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Import contracts: [tool.importlinter] in pyproject.toml. `make imports` checks every one; `make
# lint` fails on any but those named in IMPORTS_PENDING, which it reports only: "tiers", until
# community imports nothing from the apps above it (what it gathers from them goes to the roof
# package) and clubs and messaging tell notifications through domain events. Then
# `IMPORTS_PENDING ?=` (or `make lint IMPORTS_PENDING=`) makes every contract count.
IMPORTS_PENDING ?= tiers
CONTRACTS = $(shell $(BIN)/python -c "import tomllib; \
	print(*(c['id'] for c in tomllib.load(open('pyproject.toml', 'rb'))['tool']['importlinter']['contracts']))")
ENFORCED_CONTRACTS = $(filter-out $(IMPORTS_PENDING),$(CONTRACTS))

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-logo $(addprefix --contract ,$(ENFORCED_CONTRACTS))
ifneq ($(strip $(IMPORTS_PENDING)),)
	@echo "Import contracts reported, not enforced yet (IMPORTS_PENDING): $(IMPORTS_PENDING)"
	-$(BIN)/lint-imports --no-logo $(addprefix --contract ,$(IMPORTS_PENDING))
endif

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
