# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run demo test install lint audit load-test bench-import bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The English translation, and the Chinese of the packages' strings their own catalogues lack,
# compiled with Babel (pure Python), so that neither this machine nor the Docker image needs GNU
# gettext. Only the .po files are committed.
PO := locale/en/LC_MESSAGES/django.po locale/zh_Hans/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)
$(MO): $(PO) $(VENV)/.installed
	$(BIN)/pybabel compile --domain=django --directory=locale

install: $(VENV)/.installed $(MO)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_report fixtures/gangmen_2022.toml
	$(BIN)/python manage.py create_demo_official
	@echo "港门镇目标跟踪：http://127.0.0.1:$(PORT)/  管理后台：http://127.0.0.1:$(PORT)/admin/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The real plan with a generated, clearly labelled demo set of progress up to mid-year, in its
# own database file (demo.sqlite3) with a banner on every page; `make run` stays the real plan.
demo: install
	DEMO_DATA=1 $(BIN)/python manage.py migrate --noinput
	DEMO_DATA=1 $(BIN)/python manage.py load_report fixtures/gangmen_2022.toml
	DEMO_DATA=1 $(BIN)/python manage.py load_demo_progress
	DEMO_DATA=1 $(BIN)/python manage.py create_demo_official
	@echo "演示站点（演示数据，非真实进度）：http://127.0.0.1:$(PORT)/"
	DEMO_DATA=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Security review: bandit on our code, pip-audit on the installed dependencies (prints
# NOT AUDITED instead of failing when its vulnerability service cannot be reached).
audit: install
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive gangmen tracking scripts bench
	$(BIN)/python scripts/audit_dependencies.py

# Readers browse while officials submit, against gunicorn on loopback (see README, "Load").
load-test: install
	$(BIN)/python scripts/load_test.py

# Rows per second importing 10,000 progress rows (see README, "Spreadsheets").
bench-import: install
	$(BIN)/python bench/import_bench.py

# Issue 6's figures on SQLite and PostgreSQL at sizes S, M, L (see README, "Scale and speed");
# BENCH_SIZES=S,M BENCH_DATABASES=sqlite limit a run. Not part of `make test`.
bench: install
	$(BIN)/python bench/run.py
