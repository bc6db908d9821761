# zongguan — the two commands that matter:
#   make demo   build everything, load the demo district into ./data/zongguan.db, serve http://127.0.0.1:8080
#   make test   every test: Rust (SQLite + PostgreSQL), front end (Vitest), browser (Playwright + Chromium)
SHELL := /bin/bash
CARGO ?= cargo
BIN := target/debug/zongguan
DEMO_PASSWORD ?= Zongguan@2026
# `make demo LISTEN=0.0.0.0:8081` or ZONGGUAN_LISTEN=… chooses the address.
LISTEN ?= $(or $(ZONGGUAN_LISTEN),127.0.0.1:8080)

.PHONY: demo test lint deps web build release openapi serve clean-data bench fuzz bench-http

demo: deps web build
	$(BIN) demo --scale small --password '$(DEMO_PASSWORD)' --accounts-out data/demo-accounts.json
	@echo "打开 http://$(LISTEN) ，用户名 admin（或 secadmin、auditor、district_officer、community_003002 …），密码 $(DEMO_PASSWORD)"
	$(BIN) --config data/demo.toml serve --listen $(LISTEN)

test:
	bash scripts/test.sh

# The gate CI runs before the tests: formatting, clippy with warnings as errors, the front end's types.
lint: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd web && npm run lint

deps:
	bash scripts/deps.sh

# schemathesis against a fresh demo server as admin and as a community officer: no 5xx, no answer
# the OpenAPI document does not allow. `make fuzz FUZZ_SECONDS=600` for a longer run.
FUZZ_SECONDS ?= 180
fuzz: build
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

# wrk against `serve` on data/ (load it first: `target/release/zongguan demo --scale district`).
bench-http:
	bash scripts/bench-http.sh

web: deps
	cd web && npm run build

build:
	$(CARGO) build

release: deps web
	$(CARGO) build --release

serve: build
	$(BIN) serve --listen $(LISTEN)

# Regenerate the OpenAPI snapshot and the front end's types from the server.
openapi: build
	$(BIN) openapi > web/openapi.json
	cd web && npm run gen:api

clean-data:
	rm -rf data
