# Gregor: the two commands a new user runs are `make run` and `make test`.
# make build  -> build/gregor (release with debug info)
# make run    -> install deps, build, start a single-node broker on 127.0.0.1:9092 (data in ./data)
# make test   -> install deps, build, run every test (unit, sanitizer, integration, fuzz smoke)

JOBS ?= $(shell nproc)
# ccache: paths relative to the checkout, so a fresh clone reuses the cache of an earlier one.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
CMAKE_FLAGS ?=

.PHONY: deps test-deps build build-asan build-fuzz run test unit-test asan-test asan-integration-test integration-test fuzz-test clean

deps:
	@scripts/setup.sh

test-deps:
	@scripts/setup.sh --test

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGREGOR_SANITIZE=ON $(CMAKE_FLAGS)

build-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD) -j $(JOBS)

$(FUZZ_BUILD)/build.ninja:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGREGOR_FUZZ=ON $(CMAKE_FLAGS)

build-fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) -j $(JOBS) fuzz_targets

run: build
	mkdir -p data
	$(BUILD)/gregor serve --config config/server.properties

unit-test: build
	ctest --test-dir $(BUILD) -L unit -j $(JOBS) --output-on-failure

asan-test: build-asan
	ctest --test-dir $(ASAN_BUILD) -L unit -j $(JOBS) --output-on-failure

# The broker-side suites again against the sanitizer build (a sanitizer report aborts the broker
# and fails the test). Leak checks stay with the unit tests: brokers are often killed on purpose.
ASAN_SUITES = test_groups.py test_malformed.py test_old_versions.py test_features_off.py test_crash.py test_fetch.py test_log_admin.py test_cluster.py test_replication.py test_netns_partition.py test_transactions.py
asan-integration-test: build-asan
	cd tests/integration && GREGOR_BIN=$(CURDIR)/$(ASAN_BUILD)/gregor ASAN_OPTIONS=detect_leaks=0 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider $(ASAN_SUITES)

integration-test: build
	GREGOR_BIN=$(CURDIR)/$(BUILD)/gregor /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration

fuzz-test: build-fuzz
	scripts/run-fuzzers.sh $(FUZZ_BUILD)

test: test-deps
	$(MAKE) unit-test
	$(MAKE) asan-test
	$(MAKE) integration-test
	$(MAKE) asan-integration-test
	$(MAKE) fuzz-test

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
