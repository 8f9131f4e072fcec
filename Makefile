# One entry point for people and CI. `make run` and `make test` work on a fresh Debian 12
# machine with the Swift toolchain: each installs what it needs first.

SHELL := /bin/bash
APT_PACKAGES := pkg-config libmicrohttpd-dev libssl-dev libsqlite3-dev libcurl4 sqlite3 e2fsprogs python3-venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV := .venv

.PHONY: setup build run test lint format python-tools clean

## Install the Debian packages the build and tests need (skipped when all are present).
setup:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(APT_PACKAGES); \
	fi

## Release build of the `gateway` executable.
build: setup
	swift build -c release

## Run the gateway on its embedded SQLite default (./data/appointments.db), port 8000.
run: build
	mkdir -p data logs
	@if [ ! -f keys.json ]; then \
		echo "No keys.json yet: creating a first client and admin token (shown once, keep them):"; \
		./.build/release/gateway keys add demo-clinic && ./.build/release/gateway admin-tokens add admin; \
	fi
	./.build/release/gateway serve

## Third-party signing libraries used by the tests as real partner clients.
python-tools: setup
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV)
	@$(VENV)/bin/python -c 'import standardwebhooks, svix' 2>/dev/null || \
		$(VENV)/bin/pip install --quiet standardwebhooks svix

## Lint, build and run every test.
test: setup lint python-tools
	swift build
	set -o pipefail; swift test 2>&1 | tee .build/test-output.log
	@# The plain closing line any CI reads: the Swift Testing total (XCTest reports 0 of its own).
	@sed -n 's/.*Test run with \([0-9]*\) tests in .* passed after.*/\1 passed, 0 failed/p' .build/test-output.log | tail -1

lint:
	swift format lint --strict --recursive Sources Tests Package.swift

format:
	swift format format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build $(VENV)
