# dumpbox: one flat Makefile, no recursion.
#
#   make [defconfig | x86_64_defconfig | s390x_defconfig | tiny_defconfig]
#   make menuconfig | oldconfig | allnoconfig | allyesconfig | savedefconfig
#   make              build ./dumpbox (runs defconfig first if unconfigured)
#   make check        install what is missing, build, run every test
#   make demo         install what is missing, build, crash a kernel, read it
#   make initramfs    the dump kernel's initramfs ($(O)/initramfs.cpio.gz)
#   make install      the binary, and on s390x the zfcpdump initrd (see below)
#   make fuzz | sanitize | lint | bench | clean | distclean
#
# O=DIR builds out of tree (.config, generated/, objects and the binary go
# to DIR). V=1 shows the commands.

SRC := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
O ?= .
override O := $(patsubst %/,%,$(O))
CONFIG := $(O)/.config
GEN := $(O)/generated
OBJ := $(O)/obj

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Goals that configure or clean must not read (or try to remake) what a
# configuration generates.
NOBUILD_GOALS := defconfig %_defconfig menuconfig oldconfig olddefconfig \
	allnoconfig allyesconfig savedefconfig clean distclean deps check check-slower demo fuzz bench sanitize lint kconfig-prep
BUILDING := $(if $(MAKECMDGOALS),$(filter-out $(NOBUILD_GOALS),$(MAKECMDGOALS)),all)
CONFIGURED := $(wildcard $(CONFIG))

-include $(CONFIG)
# Kconfig writes strings quoted; a string may hold several words (flags).
unquote = $(subst ",,$(1))
CROSS_COMPILE ?= $(call unquote,$(CONFIG_CROSS_COMPILE))
HOSTCC ?= gcc
CC := $(CROSS_COMPILE)gcc
# The architecture we build for is the compiler's, not the host's.
ARCH := $(firstword $(subst -, ,$(shell $(CC) -dumpmachine 2>/dev/null)))

CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Wformat=2 -Wshadow -Wvla \
	-ffunction-sections -fdata-sections -fno-strict-aliasing \
	$(if $(CONFIG_DEBUG),-g) $(call unquote,$(CONFIG_EXTRA_CFLAGS)) $(EXTRA_CFLAGS)
CPPFLAGS := -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -I$(O) -I$(SRC)/lib
LDFLAGS := -Wl,--gc-sections $(if $(CONFIG_DEBUG),,-s)
# The codecs of Kconfig's "Compression" menu (zlib is always in). libsnappy
# is C++: a dynamic libsnappy.so brings libstdc++.so, a static link names it.
LDLIBS := $(if $(CONFIG_CODEC_LZO),-llzo2) $(if $(CONFIG_CODEC_ZSTD),-lzstd) \
	$(if $(CONFIG_CODEC_SNAPPY),-lsnappy $(if $(CONFIG_STATIC),-lstdc++)) -lelf -lz -lpthread

ifeq ($(CONFIG_STATIC),y)
# scripts/sysroot makes (once, cached) a musl sysroot from Debian's
# packages for $(ARCH): musl's libc.a and the static libraries we link.
ifneq ($(and $(BUILDING),$(CONFIGURED)),)
include $(GEN)/toolchain.mk
endif
CC += -specs $(SYSROOT)/musl.specs
CPPFLAGS += -isystem $(SYSROOT)/usr/include -isystem $(SYSROOT)/usr/include/$(ARCH)-linux-gnu
LDFLAGS += -static -L$(SYSROOT)/usr/lib/$(ARCH)-linux-gnu
# What those glibc-built archives need of glibc (built with libdumpbox.a).
LDLIBS += $(OBJ)/lib/base/glibc_compat.o
endif

KCONFIG_ENV := KCONFIG_CONFIG=.config \
	KCONFIG_AUTOHEADER=generated/autoconf.h \
	KCONFIG_AUTOCONFIG=include/config/auto.conf \
	KCONFIG_TRISTATE=include/config/tristate.conf
KCONF = cd $(O) && $(KCONFIG_ENV) kconfig-conf

# lib/ in layers (lib/README.md); lib/main is the multicall dispatcher.
LIB_LAYERS := base sys core write disk job
LIB_SRCS := $(filter-out %_test.c,$(foreach l,$(LIB_LAYERS),$(wildcard $(SRC)/lib/$(l)/*.c)))
ifneq ($(and $(BUILDING),$(CONFIGURED)),)
include $(GEN)/applets.mk
endif
LIB_OBJS := $(patsubst $(SRC)/%.c,$(OBJ)/%.o,$(LIB_SRCS))
APPLET_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(APPLET_SRCS))

.PHONY: all defconfig menuconfig oldconfig olddefconfig allnoconfig allyesconfig \
	savedefconfig check check-slower demo fuzz bench sanitize lint clean distclean deps unit initramfs install FORCE

ifeq ($(CONFIGURED),)
# Building without a configuration configures with the defaults first.
all initramfs:
	$(Q)$(MAKE) --no-print-directory -f $(SRC)/Makefile O=$(O) defconfig
	$(Q)$(MAKE) --no-print-directory -f $(SRC)/Makefile O=$(O) $@
else
all: $(O)/dumpbox
endif

# ---- configuration ------------------------------------------------------

$(GEN)/Kconfig.applets: $(wildcard $(SRC)/applets/*.c) $(SRC)/scripts/gen-applets
	$(Q)$(SRC)/scripts/gen-applets $(SRC) $(O)

kconfig-prep: $(GEN)/Kconfig.applets
	$(Q)mkdir -p $(O)/include/config
	$(Q)command -v kconfig-conf >/dev/null || { \
		echo "kconfig-conf is missing: run scripts/deps (or apt-get install kconfig-frontends)" >&2; exit 1; }
.PHONY: kconfig-prep

defconfig: kconfig-prep
	$(Q)$(KCONF) --defconfig=$(SRC)/configs/defconfig $(SRC)/Kconfig >/dev/null
	@echo "configured from configs/defconfig"

# A defconfig whose text says "# base: allnoconfig" lists what is on, not
# what is off: it starts from allnoconfig (Linux's KCONFIG_ALLCONFIG).
%_defconfig: kconfig-prep
	$(Q)test -f $(SRC)/configs/$@ || { echo "no such configuration: configs/$@" >&2; exit 1; }
	$(Q)if grep -q '^# base: allnoconfig' $(SRC)/configs/$@; then \
		cd $(O) && KCONFIG_ALLCONFIG=$(SRC)/configs/$@ $(KCONFIG_ENV) kconfig-conf --allnoconfig $(SRC)/Kconfig >/dev/null; \
	else \
		$(KCONF) --defconfig=$(SRC)/configs/$@ $(SRC)/Kconfig >/dev/null; \
	fi
	@echo "configured from configs/$@"

allnoconfig allyesconfig olddefconfig: kconfig-prep
	$(Q)$(KCONF) --$@ $(SRC)/Kconfig >/dev/null
	@echo "configured: $@"

oldconfig: kconfig-prep
	$(Q)$(KCONF) --oldconfig $(SRC)/Kconfig

menuconfig: kconfig-prep
	$(Q)command -v kconfig-mconf >/dev/null || { echo "kconfig-mconf is missing: apt-get install kconfig-frontends" >&2; exit 1; }
	$(Q)cd $(O) && $(KCONFIG_ENV) kconfig-mconf $(SRC)/Kconfig

savedefconfig: kconfig-prep
	$(Q)$(KCONF) --savedefconfig=defconfig $(SRC)/Kconfig
	@echo "wrote $(O)/defconfig"

# New options (an applet just added) take their defaults, as BusyBox's
# build does, instead of stopping the build to ask.
$(GEN)/autoconf.h: $(CONFIG) $(SRC)/Kconfig $(GEN)/Kconfig.applets | kconfig-prep
	$(Q)$(KCONF) --olddefconfig $(SRC)/Kconfig >/dev/null
	$(Q)$(KCONF) --silentoldconfig $(SRC)/Kconfig </dev/null

$(GEN)/applets.mk: $(CONFIG) $(GEN)/autoconf.h $(wildcard $(SRC)/applets/*.c) $(SRC)/scripts/gen-applets
	$(Q)$(SRC)/scripts/gen-applets $(SRC) $(O) $(CONFIG)

$(GEN)/applets.h: $(GEN)/applets.mk

$(GEN)/toolchain.mk: $(CONFIG) $(SRC)/scripts/sysroot
	$(Q)mkdir -p $(GEN)
	$(Q)test -n "$(ARCH)" || { echo "no working compiler '$(CC)'" >&2; exit 1; }
	$(Q)root=$$($(SRC)/scripts/sysroot $(ARCH)) && echo "SYSROOT := $$root" > $@.tmp && mv $@.tmp $@

# ---- the binary ---------------------------------------------------------

GEN_HEADERS := $(GEN)/autoconf.h $(GEN)/applets.h $(if $(filter y,$(CONFIG_STATIC)),$(GEN)/toolchain.mk)

$(OBJ)/%.o: $(SRC)/%.c $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $*.c")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(OBJ)/libdumpbox.a: $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $(notdir $@)")
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

$(O)/dumpbox: $(OBJ)/lib/main/appletlib.o $(APPLET_OBJS) $(OBJ)/libdumpbox.a
	@$(if $(Q),echo "  LD      dumpbox")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp $^ $(LDLIBS) && mv $@.tmp $@

-include $(LIB_OBJS:.o=.d) $(APPLET_OBJS:.o=.d) $(OBJ)/lib/main/appletlib.d

# ---- tests, demo --------------------------------------------------------

# C unit tests: every lib/LAYER/NAME_test.c is a cmocka program linked with the
# library. A host build (make O=build/host host_defconfig) links the
# host's shared cmocka; a static build links them like its binary, with a
# libcmocka.a that scripts/cmocka builds for its compiler (Debian ships
# none): an s390x build's unit tests run under qemu-s390x-static.
UNIT_LIBS := -lcmocka
ifeq ($(CONFIG_STATIC)$(filter unit,$(MAKECMDGOALS)),yunit)
ifneq ($(SYSROOT),)
CMOCKA := $(shell CC="$(CC)" AR="$(CROSS_COMPILE)ar" $(SRC)/scripts/cmocka)
CPPFLAGS += -I$(CMOCKA)/include
UNIT_LIBS := $(LDFLAGS) $(CMOCKA)/lib/libcmocka.a
endif
endif
UNIT_SRCS := $(wildcard $(SRC)/lib/*/*_test.c)
UNIT_TESTS := $(patsubst %_test.c,$(O)/unit/%_test,$(notdir $(UNIT_SRCS)))
vpath %_test.c $(sort $(dir $(UNIT_SRCS)))
unit: $(UNIT_TESTS)
$(O)/unit/%_test: %_test.c $(OBJ)/libdumpbox.a $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $*_test.c")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -MF $@.deps -o $@ $< $(OBJ)/libdumpbox.a $(LDLIBS) $(UNIT_LIBS)
-include $(UNIT_TESTS:=.deps)

# The dump kernel's initramfs, for the architecture of this build's
# binary (scripts/mkinitramfs): KERNEL_MODULES=.../lib/modules/VERSION
# picks the kernel (default: Debian's, from scripts/fetch-kernel);
# MODULES_CONF=FILE another module list than initramfs/modules-ARCH.conf.
# SSH_KEY=FILE SSH_KNOWN_HOSTS=FILE: the key and the server's host key for
# dumps to dumpbox.target=ssh:USER@HOST (the archive is then written 0600).
ifneq ($(CONFIGURED),)
initramfs: $(O)/dumpbox
	$(Q)$(SRC)/scripts/mkinitramfs --dumpbox $(O)/dumpbox --config $(CONFIG) \
		--work $(O)/build/initramfs $(if $(filter command line,$(origin ARCH)),--arch $(ARCH)) \
		$(if $(KERNEL_MODULES),--modules $(KERNEL_MODULES)) \
		$(if $(MODULES_CONF),--modules-conf $(MODULES_CONF)) \
		$(if $(SSH_KEY),--ssh-key $(SSH_KEY)) \
		$(if $(SSH_KNOWN_HOSTS),--ssh-known-hosts $(SSH_KNOWN_HOSTS)) -o $(O)/initramfs.cpio.gz
endif

# make install [DESTDIR=] [SBINDIR=/usr/sbin] [ZFCPDUMP_DIR=...] [KERNEL=IMAGE]
#   $(SBINDIR)/dumpbox         the binary (applet links: dumpbox --install -s)
#   s390x: where zipl -d looks for the dump system (make initramfs first):
#   $(ZFCPDUMP_DIR)/zfcpdump-initrd   this build's initramfs
#   $(ZFCPDUMP_DIR)/zfcpdump-image    KERNEL (a zfcpdump_defconfig kernel)
#   zfcpdump.rd, zfcpdump.image       links: the older names
SBINDIR ?= /usr/sbin
ZFCPDUMP_DIR ?= /lib/s390-tools/zfcpdump
INITRAMFS := $(O)/initramfs.cpio.gz
install: $(O)/dumpbox
	$(Q)install -D -m 0755 $(O)/dumpbox $(DESTDIR)$(SBINDIR)/dumpbox
ifeq ($(ARCH),s390x)
	$(Q)test -f $(INITRAMFS) || { echo "no $(INITRAMFS): make O=$(O) initramfs first" >&2; exit 1; }
	$(Q)test $(INITRAMFS) -nt $(O)/dumpbox || \
		{ echo "$(INITRAMFS) is older than $(O)/dumpbox: make O=$(O) initramfs again" >&2; exit 1; }
	$(Q)install -D -m 0644 $(INITRAMFS) $(DESTDIR)$(ZFCPDUMP_DIR)/zfcpdump-initrd
	$(Q)ln -sfn zfcpdump-initrd $(DESTDIR)$(ZFCPDUMP_DIR)/zfcpdump.rd
ifneq ($(KERNEL),)
	$(Q)install -D -m 0644 $(KERNEL) $(DESTDIR)$(ZFCPDUMP_DIR)/zfcpdump-image
	$(Q)ln -sfn zfcpdump-image $(DESTDIR)$(ZFCPDUMP_DIR)/zfcpdump.image
endif
endif

deps:
	$(Q)$(SRC)/scripts/deps

check: deps
	$(Q)$(SRC)/tests/run

# tests/slower: what does not fit make check's 30 minutes (the s390x
# kdump, which builds a kernel first).
check-slower: deps
	$(Q)$(SRC)/tests/run --slower

demo: deps
	$(Q)$(SRC)/scripts/demo

# Each target for its time in tests/fuzz/durations and at least a million
# executions; FUZZ_SECONDS=N runs each for N seconds instead.
fuzz: deps
	$(Q)O=$(O) $(SRC)/tests/fuzz/run $${FUZZ_SECONDS:+--seconds=$$FUZZ_SECONDS}

# The unit and applet tests under ASan+UBSan (build/sanitize); cppcheck and
# clang-tidy over lib/ and applets/ (exclusions: scripts/lint-exclusions).
# make check runs both (tests/slow/sanitize.test, tests/slow/lint.test).
sanitize: deps
	$(Q)$(SRC)/tests/run sanitize

lint: deps
	$(Q)$(SRC)/scripts/lint

# The binary of this O= is the one measured.
bench: deps all
	$(Q)DUMPBOX=$(abspath $(O))/dumpbox $(SRC)/bench/run

clean:
	rm -rf $(OBJ) $(O)/unit $(O)/dumpbox $(O)/dumpbox.tmp $(O)/build $(O)/initramfs.cpio.gz

distclean: clean
	rm -rf $(GEN) $(O)/include $(CONFIG) $(CONFIG).old
