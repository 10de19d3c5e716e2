# Aid Tracker — `make run` serves the demo, `make test` runs the suite, `make bench` measures.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export FLASK_APP := tracker:create_app

.PHONY: run test bench install translations i18n clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) translations

# Compile the message catalogs (.mo, git-ignored); a broken catalog stops the build with its errors.
translations: $(STAMP)
	BIN=$(BIN) scripts/i18n.sh compile

# Developers: re-extract the strings and merge them into the catalogs (see scripts/i18n.sh).
i18n: $(STAMP)
	BIN=$(BIN) scripts/i18n.sh update

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask tracker demo
	@echo "Serving Aid Tracker on http://127.0.0.1:5000 (Ctrl+C stops)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$TRACKER_TEST_DATABASE_URL" ]; then \
	  echo "== again on $$TRACKER_TEST_DATABASE_URL =="; \
	  TRACKER_TEST_DB=url $(BIN)/python -m pytest $(PYTEST_ARGS); \
	fi

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean-venv:
	rm -rf $(VENV)
