# The two commands a newcomer needs: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
TESTBED ?= .testbed
PORT ?= 5757
ENDPOINT := http://127.0.0.1:$(PORT)
DEMO_HOSTS ?= app1
# Every process below talks to the emulator only, with dummy credentials (see tests/emulator).
AWS_ENV = eval "$$($(PY) -m tests.emulator env --port $(PORT))"

.PHONY: bootstrap lint sanity pytest test quick demo demo-down bench clean

bootstrap:
	@bash tests/bin/bootstrap

lint: bootstrap
	$(BIN)/yamllint -s .
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/ansible-lint --offline -q

sanity: bootstrap
	@bash tests/bin/sanity

# PYTEST_WORKERS=2: pytest-xdist workers, each a session with its own emulator and address block
# (FUNMAGIC_ADDRESS_BLOCK + its index); a test file, or the files sharing a chroot host, is one unit of work that runs
# whole and in order on one worker (tests/xdist_units.py: xdist 3.8's own loadgroup does not group under pytest 9.2,
# which split files in the CI rehearsal). PYTEST_WORKERS=0 runs one session, as CI did until 2026-12-05.
PYTEST_WORKERS ?= 2
pytest: bootstrap
	$(PY) -m pytest $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadgroup)

# Every test; pytest (unit, integration, reliability, packaging) runs last, so its summary closes the output.
test: lint sanity molecule pytest

# The inner loop (about 20 s): YAML lint and the unit tests, no emulator, no chroot.
quick: bootstrap
	$(BIN)/yamllint -s .
	$(PY) -m pytest -q tests/unit

demo: bootstrap
	$(PY) -m tests.emulator start --port $(PORT) --create-seconds 3
	$(AWS_ENV) && $(PY) -m tests.testbed.seed --endpoint $(ENDPOINT)
	for host in $(DEMO_HOSTS); do \
	  $(PY) -m tests.testbed.hosts create $$host --endpoint $(ENDPOINT) --ca-file $(TESTBED)/ca/ca.crt >/dev/null || exit 1; \
	done
	$(AWS_ENV) && PATH=$(abspath $(BIN)):$$PATH $(BIN)/ansible-playbook playbooks/redis.yml -i inventories/local

demo-down:
	-$(PY) -m tests.emulator stop --port $(PORT)
	for host in $(DEMO_HOSTS); do $(PY) -m tests.testbed.hosts destroy $$host; done

clean: demo-down
	rm -rf $(VENV) $(TESTBED) tests/output

bench: bootstrap
	$(PY) -m tests.bench

# Sanity and the runbook test (a first run, then a rerun that changes nothing) under each ansible-core the collection
# claims, 2.18 and 2.19, one venv each (tests/bin/compat, requirements-compat-*.txt). Slow, so not part of make test.
.PHONY: compat
compat: bootstrap
	@bash tests/bin/compat

# The collection as users get it: tarball contents, offline install + import_playbook, execution environment,
# changelog fragments and CHANGELOG.rst (tests/packaging).
.PHONY: packaging changelog docs
packaging: bootstrap
	$(PY) -m pytest tests/packaging

# Lint the fragments and regenerate CHANGELOG.rst from changelogs/changelog.yaml (a release adds to the latter:
# antsibull-changelog release, run at release time only).
changelog: bootstrap
	$(BIN)/antsibull-changelog lint
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/antsibull-changelog generate

# Molecule scenarios (molecule/README.md): each brings up its own emulator and chroot hosts under
# .testbed/molecule and tears them down; MOLECULE_LANES of them at once (tests/bin/molecule, default 2).
# One scenario: make molecule MOLECULE_SCENARIOS=default
MOLECULE_SCENARIOS ?= default multi_instance plaintext_dev lifecycle failures
.PHONY: molecule
molecule: bootstrap
	$(PY) -m tests.testbed.hosts prepare >/dev/null
	@bash tests/bin/molecule $(MOLECULE_SCENARIOS)

# After make demo, point any playbook at the demo from this shell: eval "$(make -s demo-env)"
.PHONY: demo-env
demo-env:
	@$(PY) -m tests.emulator env --port $(PORT)
	@echo 'export PATH="$(abspath $(BIN)):$$PATH"'

# The HTML docs in docs/_build/html (antsibull-docs + Sphinx, warnings are errors), then lint-collection-docs.
docs: bootstrap
	VENV=$(VENV) bash docs/build
