# Two entry points: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench demo clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e .
# pip compiles what it installs, but not an editable project's own modules: without this,
# a shell with PYTHONDONTWRITEBYTECODE set compiles them from source on every command.
	$(PY) -m compileall -q -j 0 app db importers ui resources
	touch $@

# apsw (the power-loss tests' fault-injecting VFS) is built against the system SQLite, the one
# Python's sqlite3 uses, so a VFS it registers serves the app's own connections. Its sdist
# would otherwise download an SQLite of its own while building. Installed on its own: the
# extra build settings would also reach (and break) the project's own build.
$(TEST_STAMP): $(STAMP)
	printf '[build]\nfetch = 0\nenable_all_extensions = 0\n' > $(VENV)/apsw-system-sqlite.cfg
	DIST_EXTRA_CONFIG=$(CURDIR)/$(VENV)/apsw-system-sqlite.cfg $(PY) -m pip install --quiet \
		-c constraints.txt --no-binary apsw apsw
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

run: $(STAMP)
	@$(PY) -m ui.system_check -- $(ARGS)
	$(PY) main.py $(ARGS)

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(PY) main.py demo $(ARGS)

# bench/import_huge.py (a 1 GB file, some 7 minutes) runs on its own.
bench: $(STAMP)
	for b in $(filter-out bench/common.py bench/import_huge.py,$(wildcard bench/*.py)); do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
