# The two commands of the README: `make run` and `make test`. Both install
# what is missing, configure and build into one folder, then do their job.
# `make fuzz` runs every fuzz target for FUZZ_TIME seconds (docs/fuzzing.md).

BUILDDIR ?= _build
MESON_OPTIONS ?=
FUZZ_TIME ?= 600

.PHONY: all deps build test run fuzz clean

all: build

deps:
	@build-aux/install-deps

$(BUILDDIR)/build.ninja: | deps
	meson setup $(BUILDDIR) $(MESON_OPTIONS)

build: deps $(BUILDDIR)/build.ninja
	meson compile -C $(BUILDDIR)

test: build
	build-aux/run-tests $(BUILDDIR)

run: build
	build-aux/run-local $(BUILDDIR)

# The same clang build as the `fuzz` test suite of `make test` uses.
fuzz: deps
	build-aux/run-fuzz --time $(FUZZ_TIME) --build $(BUILDDIR)/fuzz

clean:
	rm -rf $(BUILDDIR)
