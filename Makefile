# xmip top-level build. `make` builds the BPF objects, their skeletons and
# the two binaries; `make SANITIZE=1` builds userspace with ASan/UBSan into
# build/san; `make check` runs every test layer.

CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PYTHON   ?= /usr/bin/python3
PREFIX   ?= /usr/local
DESTDIR  ?=
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
.PHONY: fuzz-ntm fuzz-ro
.PHONY: all bpf clean install check check-unit check-bpf check-cli check-e2e demo vmlinux bench check-bench check-cross
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

$(BO)/%.skel.h: $(BO)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<)) > $@

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
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(CRYPTO) -o $@

$(O)/tests/%: $(O)/obj/selftests/unit/%.o $(LIBAGENT) $(LIBXMIP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(CRYPTO) -lcmocka -o $@

# Test and benchmark tools are standalone: one file on libbpf and the skeletons.
$(O)/tools/%: $(O)/obj/selftests/tools/%.o
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# A copy of a shipped BPF program whose entry points are static inline
# functions, so a bench wrapper can call (and time) exactly that code.
$(BO)/bench/%_body.c: bpf/%.bpf.c
	@mkdir -p $(@D)
	sed -e 's/^SEC("\(xdp\|tc\)")$$/static __always_inline/' $< > $@

$(BENCH_BPF_OBJS): $(BO)/%.bpf.o: selftests/bench/%.bpf.c selftests/bench/bench_restore.h \
		$(BO)/bench/xmip_ha_body.c $(BO)/bench/xmip_mn_body.c \
		$(BPF_HDRS)
	$(CLANG) $(BPF_CFLAGS) -I$(BO) -Iselftests/bench -c $< -o $@

$(O)/obj/selftests/tools/xmip_bench.o: | $(BENCH_SKELS)

$(BO)/%.bpf.o: selftests/bpf/progs/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/obj/selftests/tools/xmip_pktrun.o: | $(PROBE_SKELS)

$(O)/tools/xmip_bench_bu: $(O)/obj/selftests/bench/xmip_bench_bu.o $(LIBAGENT) $(LIBXMIP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(CRYPTO) -o $@

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Unit tests: CMocka, userspace only, run under the sanitizers when built so;
# then what each binary links (nm, ldd: no OpenSSL or MH code in the CLI,
# no attach code in the agent).
check-unit: $(UNIT_BINS) $(O)/xmip $(O)/xmip-agentd
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done
	@echo "== selftests/unit/test_link.sh"; selftests/unit/test_link.sh $(O)
	@$(MAKE) --no-print-directory fuzz-ntm FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)
	@$(MAKE) --no-print-directory fuzz-ro FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)

# NTMobile parsers under libFuzzer (clang, ASan + UBSan), built apart from
# the rest: selftests/fuzz/fuzz_ntm_*.c with the agentd/ntm/ sources they
# test. `make fuzz-ntm` runs each for FUZZ_SECONDS from its committed seeds
# (selftests/fuzz/corpus/<name>/, never written); new inputs go to
# build/fuzz/corpus-<name>/. check-unit runs it for CHECK_FUZZ_SECONDS.
FUZZ_SECONDS       ?= 60
CHECK_FUZZ_SECONDS ?= 3
FUZZ_NTM_SRCS := agentd/ntm/ntm_wire.c agentd/ntm/ntm_crypto.c agentd/ntm/ntm_replay.c \
		 agentd/ntm/ntm_txt.c
FUZZ_NTM      := $(patsubst selftests/fuzz/%.c,$(B)/fuzz/%,$(wildcard selftests/fuzz/fuzz_ntm_*.c))
$(B)/fuzz/fuzz_ntm_%: selftests/fuzz/fuzz_ntm_%.c $(FUZZ_NTM_SRCS) $(wildcard agentd/ntm/*.h) include/xmip_ntm.h
	@mkdir -p $(@D)
	$(CLANG) -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Iinclude -Ilib -Iagentd/ntm $< $(FUZZ_NTM_SRCS) -lcrypto -o $@
fuzz-ntm: $(FUZZ_NTM)
	@set -e; for f in $(FUZZ_NTM); do n=$${f##*/fuzz_}; mkdir -p $(B)/fuzz/corpus-$$n; \
		echo "== $$f ($(FUZZ_SECONDS) s, log $(B)/fuzz/$$n.log)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(B)/fuzz/corpus-$$n \
			selftests/fuzz/corpus/$$n > $(B)/fuzz/$$n.log 2>&1 || \
			{ tail -40 $(B)/fuzz/$$n.log; echo "FAIL: $$f"; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^Done' $(B)/fuzz/$$n.log; done

# Route optimisation's parsers and the correspondent's decisions under
# libFuzzer: selftests/fuzz/fuzz_rr.c, seeds in selftests/fuzz/rr/ (the
# naming the generic `make fuzz` finds by wildcard), with the sources it
# tests. `make fuzz-ro` runs it for FUZZ_SECONDS; check-unit for
# CHECK_FUZZ_SECONDS. New inputs go to build/fuzz-ro/corpus-rr/.
FUZZ_RO_SRCS := agentd/mip6/mh.c agentd/mip6/mh_rr.c agentd/mip6/auth.c agentd/ro/rr_crypto.c \
		agentd/ro/rr_nonce.c agentd/ro/cn_policy.c lib/addr.c $(wildcard lib/csum.c)
$(B)/fuzz-ro/fuzz_rr: selftests/fuzz/fuzz_rr.c $(FUZZ_RO_SRCS) $(wildcard agentd/ro/*.h agentd/mip6/*.h) \
		selftests/unit/rr_vectors.h include/xmip_wire.h include/xmip_maps.h
	@mkdir -p $(@D)
	$(CLANG) -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Iinclude -Ilib -Iagentd -Iagentd/mip6 -Iagentd/ro \
		-Iselftests/unit $< $(FUZZ_RO_SRCS) -lcrypto -o $@
fuzz-ro: $(B)/fuzz-ro/fuzz_rr
	@mkdir -p $(B)/fuzz-ro/corpus-rr
	@echo "== $< ($(FUZZ_SECONDS) s, log $(B)/fuzz-ro/rr.log)"
	@$< -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(B)/fuzz-ro/corpus-rr \
		selftests/fuzz/rr > $(B)/fuzz-ro/rr.log 2>&1 || \
		{ tail -40 $(B)/fuzz-ro/rr.log; echo "FAIL: $<"; exit 1; }
	@grep -E '^stat::number_of_executed_units|^Done' $(B)/fuzz-ro/rr.log

# Packet tests through BPF_PROG_TEST_RUN and end-to-end scenarios need root.
check-bpf: all
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/bpf

# The CLI against the kernel, in namespaces it creates (root).
check-cli: $(O)/xmip
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/cli

check-e2e: all
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/e2e

check: check-unit check-cross check-bpf check-cli check-e2e check-bench

# Benchmarks (docs/BENCHMARKS.md): the table, and build/bench.json. Root.
bench: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/bench/bench.py --json $(B)/bench.json

# The same benchmark code in quick mode: tiny counts, correctness only.
check-bench: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/bench/bench.py --quick --json $(B)/bench-quick.json

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
		$(B)/bpf-$(CROSS_ARCH)/xmip_cn.bpf.o
	@set -e; for o in xmip_ha xmip_mn xmip_cn; do \
		llvm-objdump -d --no-show-raw-insn $(BO)/$$o.bpf.o | tail -n +3 > $(BO)/$$o.dis; \
		llvm-objdump -d --no-show-raw-insn $(B)/bpf-$(CROSS_ARCH)/$$o.bpf.o | tail -n +3 \
			> $(B)/bpf-$(CROSS_ARCH)/$$o.dis; \
		cmp -s $(BO)/$$o.dis $(B)/bpf-$(CROSS_ARCH)/$$o.dis || \
			{ echo "$$o: $(CROSS_ARCH) build differs from $(HOST_ARCH)"; exit 1; }; \
		echo "ok: $$o.bpf.o builds for $(CROSS_ARCH) (__TARGET_ARCH_$(CROSS_ARCH)), same code"; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(O)/xmip $(O)/xmip-agentd $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 docs/xmip.8 docs/xmip-agentd.8 $(DESTDIR)$(PREFIX)/share/man/man8/

clean:
	rm -rf $(B)
