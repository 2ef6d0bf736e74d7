# The README's two commands: `make study` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.negstudy-installed
DATASET ?= synthetic
WORKERS ?= 2
DEVICE ?= auto
EXECUTOR ?= papermill
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: FORCE install test nbdev-test check-clean study clean-study bench lab

# installed once per content of pyproject.toml (nbdev-export rewrites the file unchanged, so its time says nothing);
# torch first: a bare `torch` requirement would pull several GB of CUDA wheels (see GUIDE)
$(STAMP): FORCE
	@h=$$(sha256sum pyproject.toml | cut -d' ' -f1); if [ "$$(cat $(STAMP) 2>/dev/null)" != "$$h" ]; then \
	  set -e; test -x $(PY) || python3 -m venv $(VENV); \
	  $(PY) -m pip install -q --upgrade pip; \
	  $(PY) -m pip install -q torch==2.13.0; \
	  $(PY) -m pip install -q -e ".[dev]"; \
	  echo $$h > $(STAMP); fi

FORCE:

install: $(STAMP)

# nbdev-clean / nbdev-export must be no-ops: the notebooks are clean and the module is in sync
check-clean: install
	@before=$$(find nbs negstudy -type f \( -name '*.ipynb' -o -name '*.py' \) -not -path '*/.ipynb_checkpoints/*' | sort | xargs sha256sum); \
	$(VENV)/bin/nbdev-clean >/dev/null && $(VENV)/bin/nbdev-export >/dev/null; \
	after=$$(find nbs negstudy -type f \( -name '*.ipynb' -o -name '*.py' \) -not -path '*/.ipynb_checkpoints/*' | sort | xargs sha256sum); \
	if [ "$$before" != "$$after" ]; then diff <(echo "$$before") <(echo "$$after"); \
	  echo "nbdev-clean or nbdev-export changed the files above: run them and commit the result"; exit 1; fi
	@echo "notebooks clean, module in sync"

# tests/ includes tests/test_notebooks.py: every notebook `nbdev-test` collects (nbs/ recursively, experiments too; it
# checks the list against nbdev-test's own), each in a fresh process under a per-notebook time budget, so a notebook that
# fails under nbdev-test fails here; and tests/test_study.py runs the README's by-hand papermill command.
# kernels capped at AVX2 (scripts/execute_nbs.py's KERNELS, which tests/test_outputs.py checks against these lines), so
# that float sums add in the same order on an AVX-512 machine as on an AVX2 one
test nbdev-test: export ATEN_CPU_CAPABILITY = avx2
test nbdev-test: export MKL_CBWR = AVX2
test nbdev-test: export ONEDNN_MAX_CPU_ISA = AVX2
test: check-clean
	$(PY) -m pytest -n 2 -q tests

# the same notebooks through nbdev's own command (what `make test` covers, without the pytest count)
nbdev-test: install
	$(VENV)/bin/nbdev-test --n-workers $(WORKERS)

study: install
	$(VENV)/bin/negstudy grid studies/quickstart.yaml --dataset $(DATASET) --workers $(WORKERS) --device $(DEVICE) --executor $(EXECUTOR)
	$(VENV)/bin/negstudy report runs/quickstart-$(DATASET) --figures runs/quickstart-$(DATASET)/report   # untracked: the study leaves the git tree clean

bench: install
	$(PY) bench/data.py
	$(PY) bench/samplers.py

# the tutorial in JupyterLab (root needs --allow-root; --no-browser on a machine without a screen)
lab: install
	$(VENV)/bin/jupyter lab --allow-root --no-browser nbs/00_why_negative_sampling.ipynb
