# Two commands set everything up on a fresh machine with Python 3.11+:
#   make report   install into .venv, then run the main job on the bundled data
#   make test     install into .venv, then lint and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
KERNEL := $(VENV)/share/jupyter/kernels/python3/kernel.json

.PHONY: install report test lint format clean browser benchmark benchmark-quick lock

install: $(STAMP)

# uv installs the locked versions (requirements.lock, from `make lock`) in seconds where
# pip takes a minute or more; then cxbench itself, editable, without resolving again
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv>=0.5"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	# the notebooks' kernelspec is "python3": register this environment's under that name
	test -f $(KERNEL) || $(BIN)/python -m ipykernel install --sys-prefix --name python3 \
		--display-name "Python 3 (cxbench)"
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/cxbench report --data data --out reports

# the performance benchmark (about 45 minutes): tables to benchmarks/results/ and README.md
benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py --readme

# under five minutes: start-up, and the English benchmark report + 2 sectors vs the loop
benchmark-quick: $(STAMP)
	$(BIN)/python benchmarks/run.py --quick

# the exact versions every install uses (the stored notebook outputs depend on them)
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra notebooks --extra pdf --extra test \
		--python-version 3.11 --universal --quiet -o requirements.lock

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Debian's Chromium and ChromeDriver, for the test that reads the reports in a browser
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ $(SUDO) apt-get update -qq && \
		  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

test: lint browser
	MPLBACKEND=Agg $(BIN)/python -m pytest --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg cxbench tests notebooks

clean:
	rm -rf $(VENV) reports/[0-9]* .pytest_cache .ruff_cache .hypothesis
