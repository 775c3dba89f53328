# Two commands do everything on a fresh machine:
#   make run    - install, then serve zonedigest (REST API and web page) on the shipped model
#   make test   - install, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install run test test-fast lint bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

HOST ?= 127.0.0.1
PORT ?= 8000

run: install
	$(BIN)/zonedigest serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

test-fast: install  # while developing: everything but servers, browsers, load, training and OCR (under 2 minutes)
	$(BIN)/python -m pytest -m "not slow"

lint: install
	$(BIN)/ruff check service training tests benchmarks

bench: install
	$(BIN)/pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/classify.py
	$(BIN)/python benchmarks/tokenizer.py
	$(BIN)/python benchmarks/summary.py
	$(BIN)/python benchmarks/http.py
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/train.py
	$(BIN)/python benchmarks/learning_curve.py
	$(BIN)/python benchmarks/soak.py

clean:
	rm -rf $(VENV)
