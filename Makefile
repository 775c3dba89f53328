# Two commands do everything on a fresh machine:
#   make run    - install, then start zonedigest on the shipped default model
#   make test   - install, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install run test lint bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	$(BIN)/zonedigest classify --split seeds/000_68e821133d7a1dfb.txt

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check service training tests benchmarks

bench: install
	$(BIN)/python benchmarks/classify.py
	$(BIN)/python benchmarks/tokenizer.py

clean:
	rm -rf $(VENV)
