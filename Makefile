# xmip top-level build. `make` builds the BPF objects, their skeletons and
# the two binaries; `make SANITIZE=1` builds userspace with ASan/UBSan into
# build/san; `make check` runs every test layer.

CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PYTHON   ?= /usr/bin/python3
PREFIX   ?= /usr/local
DESTDIR  ?=
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/xmip
# systemd reads units from /usr/local/lib/systemd/system too; Debian: /lib/systemd/system.
UNITDIR  ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SANITIZE ?= 0

B   := build
O   := $(B)$(if $(filter 1,$(SANITIZE)),/san,/opt)
BO  := $(B)/bpf

CFLAGS  ?= -O2 -g
# Every object sees include/ and lib/; each folder adds only its own (below),
# so loader/ and agentd/ never include each other's headers.
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Ilib
LDLIBS  := -lbpf -lelf -lz
# OpenSSL (RFC 4285 HMAC, NTMobile keys) and libresolv (NTMobile's DNS
# lookups) only where agent protocol code is linked.
CRYPTO  := -lcrypto -lresolv
# The agent's metrics exporter: libmicrohttpd, in a thread of its own.
HTTPD   := $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd) -pthread
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

# The architecture the BPF objects are built for (__TARGET_ARCH_*, the
# kernel types of vmlinux.h): the host's, as uname -m names it in kernel
# terms, unless BPF_ARCH= says otherwise (x86, arm64, ...).
HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/i.86/x86/' -e 's/aarch64/arm64/' \
		-e 's/arm.*/arm/' -e 's/riscv64/riscv/' -e 's/s390x/s390/' -e 's/ppc64.*/powerpc/' \
		-e 's/loongarch64/loongarch/')
BPF_ARCH  ?= $(HOST_ARCH)
# vmlinux.h: generated at build time from the running kernel's BTF when the
# objects are for this host, /sys/kernel/btf/vmlinux is there and bpftool
# runs; otherwise the copy committed per architecture,
# vmlinux/<arch>/vmlinux.h (x86 is committed; an arm64 copy goes in
# vmlinux/arm64/, written by `make vmlinux` on an arm64 host). VMLINUX_H=
# names another file. Only uapi types are used (xdp_md, __sk_buff,
# bpf_fib_lookup, wire headers), alike on every 64-bit little-endian arch.
KERNEL_BTF := /sys/kernel/btf/vmlinux
ifeq ($(origin VMLINUX_H),undefined)
 ifeq ($(BPF_ARCH)$(shell test -r $(KERNEL_BTF) && $(BPFTOOL) version >/dev/null 2>&1 && echo y),$(HOST_ARCH)y)
  VMLINUX_H   := $(BO)/vmlinux-$(BPF_ARCH)/vmlinux.h
  VMLINUX_GEN := 1
 else
  VMLINUX_H   := vmlinux/$(BPF_ARCH)/vmlinux.h
 endif
endif

# -Ibpf first: "lib/x.h" in BPF code means bpf/lib/x.h, never userspace lib/.
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) -Ibpf \
              -I$(dir $(VMLINUX_H)) -Iinclude -Wall -Werror -Wno-unused-function
BPF_HDRS   := $(wildcard bpf/lib/*.h bpf/*/*.h) $(wildcard include/*.h) $(VMLINUX_H)

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BO)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(BO)/%.skel.h,$(BPF_SRCS))

# lib/ -> libxmip.a: what both binaries share. loader/ -> xmip. agentd/core/
# and every agentd/<family>/ -> xmip-agentd (a new family folder needs no
# edit here). libxmip-agent.a holds the agent's objects but main, for the
# unit tests and the BU-rate tool: the linker takes only what they use.
LIB_SRCS    := $(wildcard lib/*.c)
LIB_OBJS    := $(patsubst %.c,$(O)/obj/%.o,$(LIB_SRCS))
LIBXMIP     := $(O)/libxmip.a
CLI_SRCS    := $(wildcard loader/*.c)
CLI_OBJS    := $(patsubst %.c,$(O)/obj/%.o,$(CLI_SRCS))
AGENT_DIRS  := agentd/core $(filter-out agentd/core,$(patsubst %/,%,$(dir $(wildcard agentd/*/*.c))))
AGENT_SRCS  := $(wildcard $(addsuffix /*.c,$(sort $(AGENT_DIRS))))
AGENT_OBJS  := $(patsubst %.c,$(O)/obj/%.o,$(AGENT_SRCS))
AGENT_MAIN  := $(O)/obj/agentd/core/main.o
LIBAGENT    := $(O)/libxmip-agent.a
UNIT_SRCS := $(wildcard selftests/unit/test_*.c)
UNIT_BINS := $(patsubst selftests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
TOOL_SRCS := $(wildcard selftests/tools/*.c)
TOOL_BINS := $(patsubst selftests/tools/%.c,$(O)/tools/%,$(TOOL_SRCS))
# Benchmarks (selftests/bench): bench-only BPF wrappers around the shipped
# programs, and the BU-rate tool that links the agent's protocol objects.
BENCH_BPF_SRCS := $(wildcard selftests/bench/*.bpf.c)
BENCH_BPF_OBJS := $(patsubst selftests/bench/%.bpf.c,$(BO)/%.bpf.o,$(BENCH_BPF_SRCS))
BENCH_SKELS    := $(BENCH_BPF_OBJS:.bpf.o=.skel.h)
BENCH_BINS     := $(O)/tools/xmip_bench_bu
# Test-only BPF probes (selftests/bpf/progs): code of bpf/lib run alone.
PROBE_BPF_SRCS := $(wildcard selftests/bpf/progs/*.bpf.c)
PROBE_SKELS    := $(patsubst selftests/bpf/progs/%.bpf.c,$(BO)/%.skel.h,$(PROBE_BPF_SRCS))

.SECONDARY:
.PHONY: all bpf clean install check check-unit check-bpf check-cli check-e2e demo vmlinux bench check-bench \
	check-cross fuzz fuzz-build fuzz-bpf check-fuzz deb check-deb check-units check-ops
all: bpf $(O)/xmip $(O)/xmip-agentd $(TOOL_BINS) $(BENCH_BINS)
	@ln -sfn $(notdir $(O)) $(B)/current

bpf: $(VMLINUX_H) $(BPF_OBJS) $(SKELS)

$(BO)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

ifeq ($(VMLINUX_GEN),1)
# Rewritten only when the kernel's BTF changed, so objects are not rebuilt for nothing.
$(VMLINUX_H): $(KERNEL_BTF)
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file $(KERNEL_BTF) format c > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
endif
vmlinux/%/vmlinux.h:
	@echo "no vmlinux.h for BPF_ARCH=$*: put one in $@ (make vmlinux on a $* host" \
	      "with BTF), or name one with VMLINUX_H=" >&2; exit 1

# Through a temporary file: a failed bpftool leaves no empty skeleton that a
# later make would take as up to date.
$(BO)/%.skel.h: $(BO)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<)) > $@.tmp && mv $@.tmp $@

# Include paths per folder: the CLI and the tools see the skeletons; the
# agent sees agentd/core/ and agentd/ (a family's own headers sit beside
# it); unit tests and the BU-rate tool see the agent folders they test.
AGENT_INC := -Iagentd/core -Iagentd
TEST_INC  := $(addprefix -I,$(sort $(AGENT_DIRS))) -Iagentd
$(O)/obj/loader/%.o:          CFLAGS += -Iloader -I$(BO)
$(O)/obj/agentd/%.o:          CFLAGS += $(AGENT_INC)
$(O)/obj/selftests/unit/%.o:  CFLAGS += $(TEST_INC)
$(O)/obj/selftests/bench/%.o: CFLAGS += $(TEST_INC)
$(O)/obj/selftests/tools/%.o: CFLAGS += -I$(BO)

$(O)/obj/%.o: %.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBXMIP): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBAGENT): $(filter-out $(AGENT_MAIN),$(AGENT_OBJS))
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/xmip: $(CLI_OBJS) $(LIBXMIP)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(O)/xmip-agentd: $(AGENT_OBJS) $(LIBXMIP)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(CRYPTO) $(HTTPD) -o $@

$(O)/tests/%: $(O)/obj/selftests/unit/%.o $(LIBAGENT) $(LIBXMIP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(CRYPTO) $(HTTPD) -lcmocka -o $@

# Test and benchmark tools: one file on libbpf, the skeletons and libxmip.a
# (the one writer of the HA's fast-path table, netlink next hops).
$(O)/tools/%: $(O)/obj/selftests/tools/%.o $(LIBXMIP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lpthread -lm -o $@

# A copy of a shipped BPF program whose entry points are static inline
# functions, so a bench wrapper can call (and time) exactly that code.
$(BO)/bench/%_body.c: bpf/%.bpf.c
	@mkdir -p $(@D)
	sed -e 's/^SEC("\(xdp\|tc\)")$$/static __always_inline/' $< > $@

$(BENCH_BPF_OBJS): $(BO)/%.bpf.o: selftests/bench/%.bpf.c selftests/bench/bench_restore.h \
		$(BO)/bench/xmip_ha_body.c $(BO)/bench/xmip_mn_body.c $(BO)/bench/xmip_rs_body.c \
		$(BPF_HDRS)
	$(CLANG) $(BPF_CFLAGS) -I$(BO) -Iselftests/bench -c $< -o $@

$(O)/obj/selftests/tools/xmip_bench.o: | $(BENCH_SKELS)

$(BO)/%.bpf.o: selftests/bpf/progs/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/obj/selftests/tools/xmip_pktrun.o: | $(PROBE_SKELS)

$(O)/tools/xmip_bench_bu: $(O)/obj/selftests/bench/xmip_bench_bu.o $(LIBAGENT) $(LIBXMIP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(CRYPTO) $(HTTPD) -o $@

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Unit tests: CMocka, userspace only, run under the sanitizers when built so;
# then what each binary links (nm, ldd: no OpenSSL or MH code in the CLI,
# no attach code in the agent).
check-unit: $(UNIT_BINS) $(O)/xmip $(O)/xmip-agentd
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done
	@echo "== selftests/unit/test_link.sh"; selftests/unit/test_link.sh $(O)

# Packet tests through BPF_PROG_TEST_RUN and end-to-end scenarios need root.
# check-bpf and check-e2e run two test files at a time, each worker with a
# name prefix of its own (selftests/run_parallel.py; XMIP_TEST_JOBS=1: one
# at a time).
check-bpf: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/run_parallel.py --dir selftests/bpf \
		--prefix-var XMIP_TEST_PREFIX --prefix xbt

# The CLI against the kernel, in namespaces it creates (root).
check-cli: $(O)/xmip
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/cli

check-e2e: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/run_parallel.py --dir selftests/e2e \
		--prefix-var XMIP_E2E_PREFIX --prefix xe

# scripts/test.sh runs these one by one, except check-deb, which it starts
# first in the background (it builds in a copy of the tree) and joins
# before check-bpf, so that nothing timing-sensitive runs beside it.
# (One line: scripts/test.sh reads the list from it.)
check: check-unit check-cross check-fuzz check-ops check-units check-deb check-bpf check-cli check-e2e check-bench

# Benchmarks (docs/BENCHMARKS.md): the table, and build/bench.json. Root.
bench: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/bench/bench.py --json $(B)/bench.json

# The same benchmark code in quick mode: tiny counts, correctness only.
check-bench: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/bench/bench.py --quick --json $(B)/bench-quick.json

# ---------------------------------------------------------------- fuzzing
# libFuzzer harnesses (docs/RELIABILITY.md): one file per harness,
# selftests/fuzz/fuzz_<name>.c, and its committed seeds in
# selftests/fuzz/<name>/ (and, optionally, a libFuzzer dictionary
# selftests/fuzz/<name>.dict); all found by wildcard, so a new parser's
# harness needs no edit here. Built with clang (libFuzzer, ASan, UBSan)
# into build/fuzz, against the library and agent sources compiled the same
# way. `make fuzz` runs every harness for FUZZ_SECONDS (and at most
# FUZZ_RUNS inputs, -1: no limit), one after the other; new inputs go to build/fuzz/corpus/<name>, crashes
# to build/fuzz/artifacts/. `make fuzz-<name>` runs one. `make check-fuzz`
# replays every seed, then fuzzes each harness for FUZZ_CHECK_SECONDS
# (root not needed; nothing shared with the other layers).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= -1
FUZZ_CHECK_SECONDS ?= 3
FUZZ_MAX_LEN ?= 4096
FZ           := $(B)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Ilib \
		$(AGENT_INC) $(TEST_INC) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_SRCS    := $(wildcard selftests/fuzz/fuzz_*.c)
FUZZ_NAMES   := $(patsubst selftests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZ_BINS    := $(addprefix $(FZ)/fuzz_,$(FUZZ_NAMES))
FUZZ_LIB     := $(FZ)/libxmip.a
FUZZ_AGENT   := $(FZ)/libxmip-agent.a

$(FZ)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(patsubst %.c,$(FZ)/obj/%.o,$(LIB_SRCS))
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_AGENT): $(patsubst %.c,$(FZ)/obj/%.o,$(filter-out agentd/core/main.c,$(AGENT_SRCS)))
	@rm -f $@
	$(AR) rcs $@ $^

$(FZ)/fuzz_%: $(FZ)/obj/selftests/fuzz/fuzz_%.o $(FUZZ_AGENT) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ $(LDLIBS) $(CRYPTO) $(HTTPD) -o $@

fuzz-build: $(FUZZ_BINS)

# One harness: fuzz for FUZZ_SECONDS from the committed seeds and what
# earlier runs found; the last status line (#execs, cov, ft, exec/s) ends
# up in build/fuzz/<name>.log.
fuzz-%: $(FZ)/fuzz_%
	@mkdir -p $(FZ)/corpus/$* $(FZ)/artifacts
	@echo "== fuzz_$*: $(FUZZ_SECONDS) s, runs $(FUZZ_RUNS) (log: $(FZ)/$*.log)"
	@$< -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -max_len=$(FUZZ_MAX_LEN) \
		-print_final_stats=1 -artifact_prefix=$(FZ)/artifacts/$*- \
		$(if $(wildcard selftests/fuzz/$*.dict),-dict=selftests/fuzz/$*.dict) \
		$(FZ)/corpus/$* selftests/fuzz/$* > $(FZ)/$*.log 2>&1; rc=$$?; \
		grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^Done|ERROR|SUMMARY|stat::(number_of_executed_units|peak_rss)' \
		$(FZ)/$*.log; exit $$rc

# The BPF programs through BPF_PROG_TEST_RUN (selftests/bpf/fuzz_bpf.py,
# root): FUZZ_BPF_PACKETS frames per program from seed FUZZ_BPF_SEED. The
# check layer runs 3000 (selftests/bpf/test_fuzz_bpf.py, in check-bpf).
FUZZ_BPF_PACKETS ?= 200000
FUZZ_BPF_SEED    ?= 1
fuzz-bpf: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/bpf/fuzz_bpf.py --packets $(FUZZ_BPF_PACKETS) \
		--seed $(FUZZ_BPF_SEED)

fuzz: $(addprefix fuzz-,$(FUZZ_NAMES)) fuzz-bpf

# The test command's layer: every seed replayed (a regression test each),
# then a few seconds of fuzzing per harness in a scratch corpus, so the
# harnesses cannot rot.
check-fuzz: $(FUZZ_BINS)
	@set -e; for n in $(FUZZ_NAMES); do \
		test -d selftests/fuzz/$$n || \
			{ echo "fuzz_$$n: no seed corpus selftests/fuzz/$$n/ (every harness has one)"; exit 1; }; \
		echo "== fuzz_$$n: $$(ls selftests/fuzz/$$n | wc -l) seeds, then $(FUZZ_CHECK_SECONDS) s"; \
		rm -rf $(FZ)/check/$$n; mkdir -p $(FZ)/check/$$n $(FZ)/artifacts; \
		$(FZ)/fuzz_$$n -runs=0 selftests/fuzz/$$n > $(FZ)/check/$$n.replay.log 2>&1 || \
			{ tail -40 $(FZ)/check/$$n.replay.log; exit 1; }; \
		$(FZ)/fuzz_$$n -max_total_time=$(FUZZ_CHECK_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
			$$(test -f selftests/fuzz/$$n.dict && echo -dict=selftests/fuzz/$$n.dict) \
			-artifact_prefix=$(FZ)/artifacts/$$n- $(FZ)/check/$$n selftests/fuzz/$$n \
			> $(FZ)/check/$$n.log 2>&1 || { tail -40 $(FZ)/check/$$n.log; exit 1; }; \
		grep -E '^#[0-9]+[[:space:]]+DONE' $(FZ)/check/$$n.log | tail -1; \
	done

demo: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/e2e/demo.py

# Regenerate the committed vmlinux.h of this host's architecture from the
# running kernel's BTF (vmlinux/x86/vmlinux.h here; vmlinux/arm64/... on arm64).
vmlinux:
	@mkdir -p vmlinux/$(HOST_ARCH)
	$(BPFTOOL) btf dump file $(KERNEL_BTF) format c > vmlinux/$(HOST_ARCH)/vmlinux.h

# The BPF objects built for another architecture (arm64 unless
# CROSS_ARCH=), into build/bpf-<arch>: with its committed vmlinux.h if there
# is one, else with this host's (the types used are uapi, the same on
# every 64-bit little-endian arch). Then every program section must be the
# same instructions as the host build's: nothing in the datapath depends on
# the architecture.
CROSS_ARCH ?= arm64
check-cross: bpf
	$(MAKE) --no-print-directory BPF_ARCH=$(CROSS_ARCH) BO=$(B)/bpf-$(CROSS_ARCH) \
		VMLINUX_H=$(if $(wildcard vmlinux/$(CROSS_ARCH)/vmlinux.h),vmlinux/$(CROSS_ARCH)/vmlinux.h,$(VMLINUX_H)) \
		$(B)/bpf-$(CROSS_ARCH)/xmip_ha.bpf.o $(B)/bpf-$(CROSS_ARCH)/xmip_mn.bpf.o \
		$(B)/bpf-$(CROSS_ARCH)/xmip_cn.bpf.o $(B)/bpf-$(CROSS_ARCH)/xmip_rs.bpf.o \
		$(B)/bpf-$(CROSS_ARCH)/xmip_ntm.bpf.o $(B)/bpf-$(CROSS_ARCH)/xmip_mip4.bpf.o
	@set -e; for o in xmip_ha xmip_mn xmip_cn xmip_rs xmip_ntm xmip_mip4; do \
		llvm-objdump -d --no-show-raw-insn $(BO)/$$o.bpf.o | tail -n +3 > $(BO)/$$o.dis; \
		llvm-objdump -d --no-show-raw-insn $(B)/bpf-$(CROSS_ARCH)/$$o.bpf.o | tail -n +3 \
			> $(B)/bpf-$(CROSS_ARCH)/$$o.dis; \
		cmp -s $(BO)/$$o.dis $(B)/bpf-$(CROSS_ARCH)/$$o.dis || \
			{ echo "$$o: $(CROSS_ARCH) build differs from $(HOST_ARCH)"; exit 1; }; \
		echo "ok: $$o.bpf.o builds for $(CROSS_ARCH) (__TARGET_ARCH_$(CROSS_ARCH)), same code"; \
	done

# The binaries, man pages, systemd units (paths filled in), bash completion,
# example configurations and docs/metrics.md. Debian's packaging runs it
# with PREFIX=/usr UNITDIR=/lib/systemd/system DESTDIR=debian/xmip.
install: $(O)/xmip $(O)/xmip-agentd
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DOCDIR)/examples
	install -m 0755 $(O)/xmip $(O)/xmip-agentd $(DESTDIR)$(SBINDIR)/
	install -m 0644 docs/xmip.8 docs/xmip-agentd.8 $(DESTDIR)$(MANDIR)/man8/
	for u in xmip@.service xmip-detach@.service; do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' dist/systemd/$$u.in > $(DESTDIR)$(UNITDIR)/$$u; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; \
	done
	install -m 0644 dist/bash-completion/xmip $(DESTDIR)$(BASHCOMPDIR)/xmip
	ln -sf xmip $(DESTDIR)$(BASHCOMPDIR)/xmip-agentd
	install -m 0644 dist/examples/home.conf dist/examples/mn.conf $(DESTDIR)$(DOCDIR)/examples/
	install -m 0644 docs/metrics.md $(DESTDIR)$(DOCDIR)/

# The Debian package, built from a copy of the tree's files (git's list, so
# build/ is not swept by dpkg-buildpackage's clean): build/deb/xmip_*.deb.
DEB_VERSION := $(shell dpkg-parsechangelog -S Version 2>/dev/null || echo 0)
deb:
	rm -rf $(B)/deb && mkdir -p $(B)/deb/xmip-$(DEB_VERSION)
	if git rev-parse --git-dir >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | tar -cf - --null -T -; \
	else \
		tar -cf - --exclude=./$(B) --exclude=./debian/xmip --exclude=./.git .; \
	fi | tar -xf - -C $(B)/deb/xmip-$(DEB_VERSION)
	cd $(B)/deb/xmip-$(DEB_VERSION) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b -j2
	@ls -1 $(B)/deb/*.deb

# The package: build, lintian (no error), contents, units verified, the
# demo's HA configuration run with the packaged binaries (selftests/ops/).
check-deb: deb
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/ops/test_deb.py

# systemd-analyze verify on the units as make install writes them.
check-units:
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/ops/test_units.py

# The operations CLI (check, JSON errors, monitor) and the scripts' root handling.
check-ops: $(O)/xmip $(O)/xmip-agentd
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/ops/test_cli_ops.py

clean:
	rm -rf $(B)
