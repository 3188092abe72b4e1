# The two commands of the README: `make run` and `make test`. Both install
# what is missing, configure and build into one folder, then do their job.

BUILDDIR ?= _build
MESON_OPTIONS ?=

.PHONY: all deps build test run clean

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

clean:
	rm -rf $(BUILDDIR)
