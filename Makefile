# mnsim — top-level entry points. `make run` and `make check` work on a fresh Debian machine:
# they install missing Debian packages (as root), configure, build, then run or test.
# `make check` is the fast suite (minutes); `make check-all` adds the fault-injection suite
# (kills, stops, crafted checkpoints, full disks: ctest label `fault`), the whole suite under
# ASan+UBSan+LSan and a short run of each fuzzer. Output stays quiet: make echoes no commands;
# V=1 shows them.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PACKAGES := $(shell grep -v '^\#' .ci/debian-packages.txt)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MAKEFLAGS += --no-print-directory
ifneq ($(V),1)
.SILENT:
endif

.PHONY: all deps configure build run check check-all check-fault check-asan check-fuzz fuzz \
	fuzz-build install \
	format format-check clean

all: build

# Installs only what is missing, so repeated runs cost nothing.
deps:
	missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

configure: deps
	[ -f $(BUILD)/CMakeCache.txt ] || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release --log-level=WARNING

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/mnsim run

# The suite: build, then every ctest test but the fault-injection suite (a few minutes).
check: build
	echo "mnsim: running the test suite ($(BUILD))"
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --progress -LE fault

# The fault-injection suite (tests labelled `fault` in tests/CMakeLists.txt).
check-fault: build
	echo "mnsim: running the fault-injection suite ($(BUILD))"
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --progress -L fault

# Everything: the suite, the fault-injection suite, the same suite under ASan + UBSan +
# LeakSanitizer, each fuzzer briefly. `make check check-all` (what .ci/run does) runs the plain
# suite once.
check-all: check
	$(MAKE) check-fault
	$(MAKE) check-asan
	$(MAKE) check-fuzz

# Whole ctest suite built with -fsanitize=address,undefined (gcc); any finding fails a test.
ASAN_BUILD ?= build-asan
# Tests that load libmnsim into an uninstrumented host (Python ctypes, the installed-package
# consumers) cannot run under ASan; they run in the normal suite.
ASAN_CTEST_EXCLUDE ?= -E '^(python_|install_)'

check-asan: deps
	echo "mnsim: the suite under ASan + UBSan + LSan ($(ASAN_BUILD))"
	[ -f $(ASAN_BUILD)/CMakeCache.txt ] || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DMNSIM_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/hardening/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) $(ASAN_CTEST_EXCLUDE)

# libFuzzer targets (clang): `make fuzz FUZZ_SECONDS=600` for a long session; make check runs
# each for CHECK_FUZZ_SECONDS.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
CHECK_FUZZ_SECONDS ?= 20
fuzz-build: deps
	[ -f $(FUZZ_BUILD)/CMakeCache.txt ] || CC=clang cmake -S . -B $(FUZZ_BUILD) \
	  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DMNSIM_FUZZ=ON -DBUILD_TESTING=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_scenario fuzz_patient fuzz_checkpoint

fuzz: fuzz-build
	tests/fuzz/run_fuzzers.bash $(FUZZ_BUILD) $(FUZZ_SECONDS)

check-fuzz: fuzz-build
	tests/fuzz/run_fuzzers.bash $(FUZZ_BUILD) $(CHECK_FUZZ_SECONDS)

# Installs the library, headers, command, man page, pkg-config file and CMake package config
# under PREFIX (default /usr/local): `make install PREFIX=$$HOME/.local`.
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
