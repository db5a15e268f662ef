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
# OpenSSL (RFC 4285 HMAC) only where agent protocol code is linked.
CRYPTO  := -lcrypto
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

# -Ibpf first: "lib/x.h" in BPF code means bpf/lib/x.h, never userspace lib/.
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Ibpf -I. -Iinclude \
              -Wall -Werror -Wno-unused-function

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

.SECONDARY:
.PHONY: all bpf clean install check check-unit check-bpf check-cli check-e2e demo vmlinux bench check-bench
all: bpf $(O)/xmip $(O)/xmip-agentd $(TOOL_BINS) $(BENCH_BINS)
	@ln -sfn $(notdir $(O)) $(B)/current

bpf: $(BPF_OBJS) $(SKELS)

$(BO)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/lib/*.h) $(wildcard include/*.h) vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BO)/%.skel.h: $(BO)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<)) > $@

# Include paths per folder: the CLI and the tools see the skeletons; the
# agent sees agentd/core/ and agentd/ (a family's own headers sit beside
# it); unit tests and the BU-rate tool see the agent folders they test.
AGENT_INC := -Iagentd/core -Iagentd
TEST_INC  := $(addprefix -I,$(sort $(AGENT_DIRS)))
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
		$(wildcard bpf/lib/*.h) $(wildcard include/*.h) vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -I$(BO) -Iselftests/bench -c $< -o $@

$(O)/obj/selftests/tools/xmip_bench.o: | $(BENCH_SKELS)

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

# Packet tests through BPF_PROG_TEST_RUN and end-to-end scenarios need root.
check-bpf: all
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/bpf

# The CLI against the kernel, in namespaces it creates (root).
check-cli: $(O)/xmip
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/cli

check-e2e: all
	XMIP_BUILD=$(O) $(PYTHON) -m pytest -q selftests/e2e

check: check-unit check-bpf check-cli check-e2e check-bench

# Benchmarks (docs/BENCHMARKS.md): the table, and build/bench.json. Root.
bench: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/bench/bench.py --json $(B)/bench.json

# The same benchmark code in quick mode: tiny counts, correctness only.
check-bench: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/bench/bench.py --quick --json $(B)/bench-quick.json

demo: all
	XMIP_BUILD=$(O) $(PYTHON) selftests/e2e/demo.py

# Regenerate the committed vmlinux.h from the running kernel's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(O)/xmip $(O)/xmip-agentd $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 docs/xmip.8 docs/xmip-agentd.8 $(DESTDIR)$(PREFIX)/share/man/man8/

clean:
	rm -rf $(B)
