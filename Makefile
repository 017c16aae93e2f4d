# Sheba — the two commands. Each one installs what it needs on a fresh machine.
PORT ?= 8000
PY := .venv/bin/python

.PHONY: demo test bench lint messages clean

demo:  ## the Bengali portal on http://127.0.0.1:$(PORT) (SQLite, worker, demo data)
	@scripts/demo.sh $(PORT)

test:  ## the whole suite on a throwaway PostgreSQL 15, browser tests included
	@scripts/test.sh

bench:  ## benchmark over HTTP on 1,000,000 applications (ARGS=--quick for a short try)
	@scripts/bench.sh $(ARGS)

lint:
	@scripts/bootstrap.sh demo
	$(PY) -m ruff check .
	$(PY) -m mypy

messages:  ## refresh the bn/en catalogues after changing user-facing strings
	@for app in sheba/*/; do if [ -d $$app/locale ]; then (cd $$app && ../../$(PY) ../../manage.py makemessages -l bn -l en --no-obsolete -v0); fi; done

clean:
	rm -rf var .venv node_modules
