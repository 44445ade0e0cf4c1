# Each target sets itself up: a .venv made with python3 -m venv, the project installed
# editable with the extras that target needs.  Nothing else to install by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench lint typecheck notebook clean mutate

$(PY):
	$(PYTHON) -m venv $(VENV)

# one stamp per set of extras; re-installed when pyproject.toml changes
$(VENV)/.installed-%: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[$*]"
	@touch $@

demo: $(VENV)/.installed-plot
	$(PY) -m demos all --out out

test: $(VENV)/.installed-plot,dev
	$(PY) -m pytest

# a mutation run: small bugs made one at a time in a copy of the project, each one's tests run
# (not part of make test; about ten minutes on two cores).  ARGS="--set issue17" or "--only NAME".
mutate: $(VENV)/.installed-plot,dev
	$(PY) .ci/mutate.py $(ARGS)

# the static checks: ruff over everything, then mypy
lint: $(VENV)/.installed-plot,dev typecheck
	$(VENV)/bin/ruff check .

# mypy over autograd/ and nn/ (configured in pyproject.toml: every function typed)
typecheck: $(VENV)/.installed-plot,dev
	$(PY) -m mypy

# the notes as a notebook, in Jupyter Lab (the "notebook" extra); regenerate it with python -m demos.notebook
notebook: $(VENV)/.installed-notebook
	$(VENV)/bin/jupyter lab demos/notes.ipynb

bench: $(VENV)/.installed-bench
	$(PY) -m bench

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis .ruff_cache
