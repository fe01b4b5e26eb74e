# Two commands set everything up on a fresh machine with Python 3.11+:
#   make report   install into .venv, then run the main job on the bundled data
#   make test     install into .venv, then lint and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
KERNEL := $(VENV)/share/jupyter/kernels/python3/kernel.json

.PHONY: install report test lint format clean browser benchmark

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[notebooks,pdf,test]"
	# the notebooks' kernelspec is "python3": register this environment's under that name
	test -f $(KERNEL) || $(BIN)/python -m ipykernel install --sys-prefix --name python3 \
		--display-name "Python 3 (cxbench)"
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/cxbench report --data data --out reports

# the performance benchmark (about 45 minutes): tables to benchmarks/results/ and README.md
benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py --readme

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
