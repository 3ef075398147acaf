# The template's own commands. `make` alone lists them.

.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := build/demo

# What demo and test need of this machine: packages installed when they can be, and the
# PostgreSQL, Redis and RabbitMQ servers started (the generated project's own script).
MACHINE := $(PYTHON) '{{cookiecutter.project_slug}}/scripts/machine.py'

.PHONY: help install demo bench test lint docs

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@# These machines set PYTHONDONTWRITEBYTECODE; compile once so that each of
	@# the many Django processes the suite starts does not recompile Django.
	$(BIN)/python -m compileall -q $(VENV)/lib
	touch $@

install: $(BIN)/python ## Create .venv with the template's tooling

demo: install ## Generate the default project, with the React frontend, into build/demo and run it, a shop full of goods, behind its gateway; Ctrl-C stops it
	$(MACHINE) --servers nginx npm
	@# A previous demo's databases and virtual host go before its folder does.
	if [ -x $(DEMO_DIR)/.venv/bin/python ]; then $(MAKE) -C $(DEMO_DIR) unprovision; fi
	rm -rf $(DEMO_DIR)
	$(BIN)/cookiecutter --no-input --output-dir build . project_slug=demo frontend=react
	$(MAKE) -C $(DEMO_DIR) dev SEED=always

bench: ## Measure the demo (run make demo once first): cold boot, a list endpoint direct and through the gateway, the event bus
	@test -d $(DEMO_DIR) || { echo "error: there is no demo yet: run make demo first." >&2; exit 1; }
	$(MAKE) -C $(DEMO_DIR) bench

test: install ## Bake every variant, check it, and run the representative ones' own tests
	$(MACHINE) --servers nginx chromium kubectl npm prometheus
	@# The slowest tests, listed at the end: where CI's minutes go.
	$(BIN)/pytest -n auto --dist loadgroup --durations=15

docs: install ## Build the documentation site into build/site (MkDocs, warnings are errors)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

lint: install ## Lint the template's own code (hooks and tests)
	$(BIN)/ruff check hooks tests
	$(BIN)/ruff format --check hooks tests
