# trendwatch — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PIP_INSTALL := $(PIP) install -c constraints.txt
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export NUMBA_CACHE_DIR := $(CURDIR)/data/.numba-cache
export TOKENIZERS_PARALLELISM := false

PORT ?= 8501
.DEFAULT_GOAL := help
.PHONY: help install run collect test bench eval demo lint clean dashboard
.PHONY: fuzz

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) torch==2.13.0+cpu
	$(PIP_INSTALL) -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install trendwatch with its test tools (torch CPU pinned)

run: install ## the service (collect, analyse, brief on schedule) + dashboard on http://127.0.0.1:8501; Ctrl-C stops both
	$(VENV)/bin/trendwatch check-config
	$(VENV)/bin/trendwatch run --port $(PORT)

.PHONY: serve brief status
serve: install ## the service alone (no dashboard)
	$(VENV)/bin/trendwatch serve

brief: install ## write today's briefing to data/briefing.html
	$(VENV)/bin/trendwatch brief --format html --out data/briefing.html

status: install ## last/next run of every service job
	$(VENV)/bin/trendwatch status

collect: install ## one collection pass
	$(VENV)/bin/trendwatch collect

test: install ## run the whole test suite
	$(PY) -m pytest -q

dashboard: install ## the dashboard alone on http://127.0.0.1:8501 (loopback only) (reads feeds.toml / TRENDWATCH_* like the CLI)
	$(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT) --server.address 127.0.0.1 \
		--server.headless true --browser.gatherUsageStats false --global.developmentMode false \
		--server.fileWatcherType none --client.toolbarMode minimal

eval: install ## clustering, emergence and speed figures on ../shared/eval → data/bench/eval.json
	$(PY) -W ignore -m trendwatch.bench.eval

fuzz: install ## fuzz the pure parsers with the long hypothesis budget (FUZZ_EXAMPLES=3000 per parser)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -p no:cacheprovider tests/collect/test_fuzz_parsers.py --hypothesis-show-statistics

lint: install ## ruff (pyproject's rules), import-linter (stage layers, SQL only in store/), mypy (store, models, analysis, rank)
	$(PY) -m ruff check trendwatch dashboard tests
	$(VENV)/bin/lint-imports
	$(PY) -m mypy trendwatch/store trendwatch/models.py trendwatch/analysis trendwatch/rank

clean: ## remove caches (keeps .venv and data/)
	rm -rf .pytest_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

demo: install ## offline demo: sample server → collect, analyze, ideas, briefing into data/demo/, then service + dashboard
	$(PY) -m trendwatch.demo $(if $(DEMO_PORT),--port $(DEMO_PORT)) $(if $(filter-out 8501,$(PORT)),--dashboard-port $(PORT))

bench: install ## speed and quality figures with their baselines (table + data/bench/results.json)
	$(PY) -m trendwatch.bench
