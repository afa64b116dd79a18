# kct: build, test and demo entry points.  See README.md.
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
CACHE ?= $(TOP)/.cache
BUILD ?= $(TOP)/build
export KCT_CACHE := $(CACHE)
export KCT_BUILD := $(BUILD)

# The Debian 6.1 test kernel's headers unless KDIR names another tree.
ABI = $(shell cat $(CACHE)/abi 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(ABI)
KVER = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)

.PHONY: all modules test-modules install clean setup unit fuzz lint \
	selftest check check-long check-debug soak kselftest run vm-shell bench bench-profile

all: modules

$(CACHE)/abi:
	$(TOP)/scripts/setup.sh

setup:
	$(TOP)/scripts/setup.sh

modules: $(CACHE)/abi
	$(MAKE) -C $(KDIR) M=$(TOP) modules

# Harness self-check modules, built only for the test kernels.
test-modules: $(CACHE)/abi
	$(MAKE) -C $(KDIR) M=$(TOP)/selftests/modules modules

install: modules
	$(MAKE) -C $(KDIR) M=$(TOP) modules_install
	depmod -a $(KVER)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	-$(MAKE) -C $(KDIR) M=$(TOP)/selftests/modules clean
	rm -rf $(BUILD)

unit:
	$(TOP)/scripts/unit-tests

fuzz:
	$(TOP)/scripts/fuzz

lint: $(CACHE)/abi
	$(TOP)/scripts/lint

selftest: modules test-modules
	$(TOP)/scripts/selftests

check:
	$(TOP)/scripts/check

check-long:
	$(TOP)/scripts/check-long

check-debug:
	$(TOP)/scripts/check-debug

soak:
	$(TOP)/scripts/soak

kselftest: modules test-modules
	$(TOP)/scripts/kselftest

run: modules
	$(TOP)/scripts/demo

vm-shell: modules test-modules
	$(TOP)/scripts/vm-run

bench: modules
	$(TOP)/scripts/bench

bench-profile: modules
	$(TOP)/scripts/bench-profile
