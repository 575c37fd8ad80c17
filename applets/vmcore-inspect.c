/* vmcore-inspect: answer the first questions about a crash dump (what
 * kernel, when, which CPUs, is it complete, what did the CPUs hold) from
 * the dump alone, on any host and for either byte order. */
//applet:vmcore-inspect
//config:config VMCORE_INSPECT
//config:	bool "vmcore-inspect: read a vmcore without vmlinux"
//config:	default y
//config:	help
//config:	  usage: vmcore-inspect COMMAND [OPTIONS] VMCORE
//config:
//config:	  Read a Linux crash dump (an ELF core such as /proc/vmcore or a
//config:	  saved copy of it, or makedumpfile's kdump-compressed format; a
//config:	  file or a block device) of any architecture and byte order.
//config:
//config:	  Commands:
//config:	    info VMCORE     format, architecture, byte order, ELF class,
//config:	                    kernel release, node name, crash time, page
//config:	                    size, CPUs, (kdump: compression, dump level,
//config:	                    pages dumped), memory ranges, dumped bytes,
//config:	                    and whether the file is complete, truncated
//config:	                    (exit 1) or marked INCOMPLETE (exit 3)
//config:	    notes VMCORE    every ELF note: name, type, size; decoded
//config:	                    registers of NT_PRSTATUS (x86_64, s390x) and
//config:	                    of the s390 notes (prefix, timers, control
//config:	                    and vector registers)
//config:	    vmcoreinfo VMCORE
//config:	                    the VMCOREINFO text
//config:	    read VMCORE --phys|--virt ADDR LEN
//config:	                    LEN bytes (at most 1 GiB) of the dumped memory
//config:	                    at a physical or virtual (p_vaddr) address,
//config:	                    raw to stdout; exit 1 if not all in the dump.
//config:	                    Virtual addresses no PT_LOAD has (all, in a
//config:	                    kdump file): the kernel image by phys_base,
//config:	                    the rest through the page tables
//config:	    dmesg VMCORE    the crashed kernel's log, in the format of
//config:	                    makedumpfile --dump-dmesg (docs/DMESG.md);
//config:	                    exit 1 if it cannot be read
//config:	    verify VMCORE   check the structure (headers, notes, segments
//config:	                    in the file, overlapping file ranges; kdump:
//config:	                    every descriptor, every page decompressed):
//config:	                    one line a finding; exit 0 good, 1 damaged, 2
//config:	                    not a vmcore, 3 incomplete
//config:	    pages [-d LEVEL] VMCORE
//config:	                    what a dump at makedumpfile's dump level
//config:	                    LEVEL (default 31) would leave out: pages in
//config:	                    the dump, pages excluded per class (zero,
//config:	                    cache, private cache, user, free; hwpoison
//config:	                    and offline always), pages kept. Classes
//config:	                    other than zero need the crashed kernel's
//config:	                    VMCOREINFO (x86_64, s390x); without
//config:	                    it a warning says what is missing (still
//config:	                    exit 0). Zero pages are counted by reading
//config:	                    the pages the other classes keep
//config:	    vtop VMCORE ADDR...
//config:	                    translate kernel virtual addresses through
//config:	                    the crashed kernel's page tables (x86_64:
//config:	                    SYMBOL(init_top_pgt), 4 or 5 levels; s390x:
//config:	                    the DAT tables from swapper_pg_dir): one
//config:	                    "VADDR PADDR" line each, or "VADDR -" and
//config:	                    exit 1 if one is not mapped
//config:	    symbol VMCORE ADDR...
//config:	                    name kernel text addresses from the dump's
//config:	                    own symbol table (VMCOREINFO's kallsyms,
//config:	                    Linux 6.0+; no vmlinux): "ADDR func+0xOFF/
//config:	                    0xSIZE" each, or "ADDR -" and exit 1
//config:	    triage VMCORE   what crashed: the report in the log, its
//config:	                    kind, task, taint, uptime; every CPU's PC
//config:	                    (s390x: and r14) symbolized; the kernel's
//config:	                    printed trace; a signature that is the same
//config:	                    for the same bug elsewhere (docs/TRIAGE.md)
//config:	    convert IN OUT  write the dump IN (ELF, kdump-compressed, or a
//config:	                    flattened stream: a file, or - for standard
//config:	                    input) to the new file OUT, which is named
//config:	                    OUT.incomplete (mode 0600) until it is
//config:	                    complete. A flattened stream is reassembled
//config:	                    (as makedumpfile -R does: byte for byte when
//config:	                    no option asks for more); one without its end
//config:	                    marker exits 3. ELF from a kdump file: a new
//config:	                    core, a PT_LOAD per run of dumped pages
//config:
//config:	  Options:
//config:	    --json          info, notes, verify, pages: machine-readable
//config:	                    output (docs/JSON.md)
//config:	    --get KEY       vmcoreinfo: print KEY's value only (exit 1 if
//config:	                    absent), e.g. --get OSRELEASE
//config:	    --phys, --virt  read: ADDR is a physical / virtual address
//config:	    --hex           read: a hexdump -C style dump (offsets from
//config:	                    ADDR) instead of raw bytes
//config:	    --since SECONDS dmesg: only records stamped SECONDS (e.g. 2.5)
//config:	                    after boot or later
//config:	    --tail N        dmesg: only the last N lines
//config:	    -d LEVEL        pages: the dump level, 0-31: the sum of 1
//config:	                    zero, 2 cache, 4 private cache, 8 user, 16 free
//config:	                    convert: leave those pages out (default 0)
//config:	    --format elf|kdump
//config:	                    convert: OUT's format (default: IN's)
//config:	    --compress CODEC[:LEVEL]
//config:	                    convert to kdump: zstd, lzo, zlib, snappy or
//config:	                    none (default zstd if built in, else zlib);
//config:	                    zstd:N, zlib:N: the codec's level
//config:	    --threads N     convert to kdump: compression threads
//config:	                    (default: one per online CPU)
//config:	    --help          this text
//config:
//config:	  ADDR and LEN are decimal or 0x hex.
//config:
//config:	  Exit status: 0 success, 1 damaged or truncated input (or an
//config:	  address not in the dump), 2 not a vmcore, 3 incomplete (a
//config:	  kdump file its writer marked INCOMPLETE: info, verify, convert;
//config:	  a flattened stream without its end), 64 usage error.
//config:
//config:config VMCORE_INSPECT_DMESG
//config:	bool "vmcore-inspect dmesg: the kernel log"
//config:	default y
//config:	depends on VMCORE_INSPECT
//config:	help
//config:	  The dmesg command: the crashed kernel's log from the dump alone
//config:	  (lockless ring of 5.10+, structured log of 3.5-5.9, legacy
//config:	  ring), as makedumpfile --dump-dmesg prints it.

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/compress.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "base/hexdump.h"
#include "base/json.h"
#include "core/kallsyms.h"
#include "core/kdump.h"
#include "core/printk.h"
#include "core/vaddr.h"
#include "core/vmcore.h"
#include "job/convert.h"
#include "job/dumpjob.h"
#include "job/inspect.h"
#include "job/report.h"
#include "job/triage.h"
#include "write/dumptarget.h"
#include "write/flatread.h"
#include "write/pagefilter.h"
#include "write/pipeline.h"

/* read: more than this is a typo, not a question about memory. */
#define READ_MAX (1ull << 30)
#define READ_CHUNK 65536

/* Which options a command takes. */
enum {
	TAKES_JSON = 1 << 0,
	TAKES_GET = 1 << 1,
	TAKES_ADDR = 1 << 2,	/* --phys, --virt, --hex */
	TAKES_DMESG = 1 << 3,	/* --since, --tail */
	TAKES_LEVEL = 1 << 4,	/* -d */
	TAKES_CONVERT = 1 << 5,	/* --format, --compress, --threads */
};

struct inspect {
	const char *path;
	int json;
	const char *get;	/* vmcoreinfo --get KEY */
	int phys, virt, hex;	/* read */
	uint64_t since_nsec;	/* dmesg --since */
	uint64_t tail;		/* dmesg --tail, when tail_set */
	int tail_set;
	unsigned level;		/* pages -d */
	int level_set;
	int format;		/* convert --format: enum dump_format, or -1 */
	const char *compress;	/* convert --compress */
	unsigned threads;	/* convert --threads */
	int threads_set;
	char **args;		/* positional arguments after VMCORE */
	int nargs;
	struct window win;
	struct vmcore vc;
};

/* Open the window and the core; 0, or vmcore_open()'s status with
 * vc.err saying why. A file that cannot be opened at all dies here. */
static int try_open(struct inspect *ctx)
{
	if (window_open(&ctx->win, ctx->path) < 0)
		die(errno == ENOENT || errno == EISDIR || errno == EINVAL ? EXIT_NOT_OURS
									   : EXIT_DAMAGED,
		    "%s:", ctx->path);
	return vmcore_open(&ctx->vc, &ctx->win);
}

static void open_core(struct inspect *ctx)
{
	int rc = try_open(ctx);

	if (rc)
		die(rc, "%s: %s", ctx->path, ctx->vc.err.msg);
}

/* ---- info, notes ------------------------------------------------------- */

static int cmd_info(struct inspect *ctx)
{
	open_core(ctx);
	return report_info(stdout, ctx->path, ctx->win.size, &ctx->vc, ctx->json);
}

static int cmd_notes(struct inspect *ctx)
{
	open_core(ctx);
	report_notes(stdout, ctx->path, &ctx->vc, ctx->json);
	return EXIT_OK;
}

/* ---- vmcoreinfo -------------------------------------------------------- */

static int cmd_vmcoreinfo(struct inspect *ctx)
{
	const struct vmcore *vc = &ctx->vc;

	open_core(ctx);
	if (!vc->vmcoreinfo)
		die(EXIT_DAMAGED, "%s: no VMCOREINFO note", ctx->path);
	if (ctx->get) {
		/* A value is never longer than the note. */
		char *val = xmalloc(vc->vmcoreinfo_len + 1);

		if (vmcoreinfo_get(vc, ctx->get, val, vc->vmcoreinfo_len + 1) < 0)
			die(EXIT_DAMAGED, "%s: no %s in VMCOREINFO", ctx->path, ctx->get);
		printf("%s\n", val);
		free(val);
		return EXIT_OK;
	}
	fwrite(vc->vmcoreinfo, 1, vc->vmcoreinfo_len, stdout);
	/* Older kernels end the text without a newline. */
	if (vc->vmcoreinfo_len && vc->vmcoreinfo[vc->vmcoreinfo_len - 1] != '\n')
		putchar('\n');
	return EXIT_OK;
}

/* ---- read -------------------------------------------------------------- */

/* Why an address of a kdump file cannot be read (errno from
 * inspect_covered()). */
static NORETURN void kdump_not_covered(struct inspect *ctx, const char *kind, uint64_t gap)
{
	const struct kdump *kd = ctx->vc.kdump;
	uint64_t pa = gap;
	int mapped;

	if (errno == EIO || (errno == ERANGE && kd->err.msg[0]))
		die(EXIT_DAMAGED, "%s: %s address 0x%" PRIx64 ": %s", ctx->path, kind, gap, kd->err.msg);
	mapped = !ctx->virt || vmcore_virt_to_phys(&ctx->vc, gap, &pa) == 0;
	if (!mapped)
		die(EXIT_DAMAGED, "%s: virtual address 0x%" PRIx64 " is not mapped (or its page "
		    "tables are not in the dump)", ctx->path, gap);
	if (kdump_is_ram(kd, pa / kd->page_size))
		die(EXIT_DAMAGED, "%s: %s address 0x%" PRIx64 " is not in the dump: the dump "
		    "left its page out (dump level %" PRId32 ")", ctx->path, kind, gap,
		    kd->h.dump_level);
	die(EXIT_DAMAGED, "%s: %s address 0x%" PRIx64 " is not in the dump (see the memory "
	    "ranges of 'info')", ctx->path, kind, gap);
}

static int cmd_read(struct inspect *ctx)
{
	const struct vmcore *vc = &ctx->vc;
	uint64_t addr, len, gap;
	struct hexdump h;
	unsigned char *buf;
	const char *kind = ctx->virt ? "virtual" : "physical";

	if (ctx->phys == ctx->virt)
		usage_error("read needs one of --phys and --virt");
	if (ctx->nargs != 2)
		usage_error("read takes VMCORE ADDR LEN");
	if (parse_u64(ctx->args[0], &addr) < 0)
		usage_error("bad address '%s'", ctx->args[0]);
	if (parse_u64(ctx->args[1], &len) < 0)
		usage_error("bad length '%s'", ctx->args[1]);
	if (len > READ_MAX)
		usage_error("length %" PRIu64 " is more than read reads (%llu bytes)", len,
			    READ_MAX);
	if (len && len - 1 > UINT64_MAX - addr)
		usage_error("0x%" PRIx64 " + %" PRIu64 " wraps around", addr, len);
	open_core(ctx);
	/* Check it all first: a partial answer on stdout looks like an
	 * answer. */
	if (inspect_covered(vc, addr, len, ctx->virt, &gap) < 0) {
		if (vc->kdump)
			kdump_not_covered(ctx, kind, gap);
		if (errno == EIO)
			die(EXIT_DAMAGED, "%s: %s address 0x%" PRIx64 " is in a segment that "
			    "the truncated file cuts off", ctx->path, kind, gap);
		die(EXIT_DAMAGED, "%s: %s address 0x%" PRIx64 " is not in the dump "
		    "(see the memory ranges of 'info')", ctx->path, kind, gap);
	}
	buf = xmalloc(READ_CHUNK);
	hexdump_init(&h, stdout);
	while (len) {
		size_t n = len < READ_CHUNK ? (size_t)len : READ_CHUNK;
		int rc = ctx->virt ? vmcore_read_virt(vc, addr, buf, n)
				   : vmcore_read_phys(vc, addr, buf, n);

		if (rc < 0 && vmcore_read_error(vc))
			die(EXIT_DAMAGED, "%s: reading %s 0x%" PRIx64 ": %s", ctx->path, kind, addr,
			    vmcore_read_error(vc));
		if (rc < 0)
			die(EXIT_DAMAGED, "%s: reading %s 0x%" PRIx64 ":", ctx->path, kind, addr);
		if (ctx->hex) {
			for (size_t i = 0; i < n; i += 16)
				hexdump_line(&h, buf + i, n - i);
		} else if (fwrite(buf, 1, n, stdout) != n) {
			break;	/* finish_stdout() reports it */
		}
		addr += n;
		len -= n;
	}
	if (ctx->hex)
		hexdump_end(&h);
	free(buf);
	return EXIT_OK;
}

/* ---- verify ------------------------------------------------------------ */

struct verify_out {
	struct json *j;		/* NULL: text */
};

static void verify_line(void *arg, enum inspect_severity sev, const char *where,
			uint64_t offset, const char *msg)
{
	struct verify_out *o = arg;
	const char *what = sev == INSPECT_DAMAGE ? "damaged" : "warning";

	if (o->j) {
		json_object(o->j, NULL);
		json_str(o->j, "severity", sev == INSPECT_DAMAGE ? "damage" : "warning");
		json_str(o->j, "where", where);
		if (offset == INSPECT_NO_OFFSET)
			json_null(o->j, "offset");
		else
			json_u64(o->j, "offset", offset);
		json_str(o->j, "message", msg);
		json_end(o->j);
	} else if (offset == INSPECT_NO_OFFSET) {
		printf("%s: %s: %s\n", what, where, msg);
	} else {
		printf("%s: %s at offset 0x%" PRIx64 ": %s\n", what, where, offset, msg);
	}
}

static int cmd_verify(struct inspect *ctx)
{
	int rc = try_open(ctx);
	struct json j;
	struct verify_out out = { ctx->json ? &j : NULL };
	size_t damage = 0;
	const char *result;
	int incomplete;

	if (ctx->json) {
		json_init(&j, stdout);
		json_object(&j, NULL);
		json_str(&j, "file", ctx->path);
		json_array(&j, "findings");
	}
	if (rc == EXIT_DAMAGED) {
		/* The reader stops at the first thing it cannot get past. */
		verify_line(&out, INSPECT_DAMAGE, "headers", INSPECT_NO_OFFSET, ctx->vc.err.msg);
		damage = 1;
	} else if (!rc) {
		damage = inspect_verify(&ctx->vc, verify_line, &out);
	}
	incomplete = !rc && ctx->vc.kdump && ctx->vc.kdump->incomplete;
	result = rc == EXIT_NOT_OURS ? "not_a_vmcore" : damage ? "damaged"
		 : incomplete ? "incomplete" : "good";
	if (ctx->json) {
		json_end(&j);
		json_str(&j, "result", result);
		json_u64(&j, "damage", damage);
		json_str(&j, "reason", rc == EXIT_NOT_OURS ? ctx->vc.err.msg : NULL);
		json_finish(&j);
	} else if (rc == EXIT_NOT_OURS) {
		printf("%s: not a vmcore: %s\n", ctx->path, ctx->vc.err.msg);
	} else if (damage) {
		printf("%s: damaged (%zu finding%s)\n", ctx->path, damage, damage == 1 ? "" : "s");
	} else if (incomplete) {
		printf("%s: incomplete (what it holds is good)\n", ctx->path);
	} else {
		printf("%s: good\n", ctx->path);
	}
	if (rc == EXIT_NOT_OURS)
		return EXIT_NOT_OURS;
	return damage ? EXIT_DAMAGED : incomplete ? EXIT_INCOMPLETE : EXIT_OK;
}

/* ---- dmesg ------------------------------------------------------------- */

struct dmesg {
	struct printk_writer w;
	uint64_t since_nsec;
};

static int dmesg_emit(void *arg, const struct printk_record *rec)
{
	struct dmesg *d = arg;

	if (rec->ts_nsec < d->since_nsec)
		return 0;
	return printk_write(&d->w, rec) < 0 ? 1 : 0;
}

static int cmd_dmesg(struct inspect *ctx)
{
	struct dmesg d = { .since_nsec = ctx->since_nsec };
	struct err err;
	int rc;

	if (!IS_ENABLED(CONFIG_VMCORE_INSPECT_DMESG))
		usage_error("unknown command 'dmesg' (not in this build)");
	open_core(ctx);
	/* --tail: count the lines first, then print past all but the last
	 * N; the log is read twice instead of being held. A count cut short
	 * by damage is what the second pass will print. */
	if (ctx->tail_set) {
		printk_log(&ctx->vc, dmesg_emit, &d, &err);
		d.w.skip = d.w.lines > ctx->tail ? d.w.lines - ctx->tail : 0;
		d.w.lines = 0;
		d.w.mid_line = 0;
	}
	d.w.out = stdout;
	rc = printk_log(&ctx->vc, dmesg_emit, &d, &err);
	if (rc > 0)
		return EXIT_DAMAGED;	/* stdout failed: finish_stdout() says so */
	if (rc < 0) {
		warnmsg("%s: %s", ctx->path, err.msg);
		return EXIT_DAMAGED;
	}
	return EXIT_OK;
}

/* ---- pages ------------------------------------------------------------- */

static int cmd_pages(struct inspect *ctx)
{
	static const struct {
		const char *name, *key;
		unsigned bit;		/* 0: at every level */
		size_t off;
	} classes[] = {
		{ "cache", "cache", DL_CACHE, offsetof(struct pagefilter, pages_cache) },
		{ "private cache", "cache_private", DL_CACHE_PRIVATE,
		  offsetof(struct pagefilter, pages_cache_private) },
		{ "user", "user", DL_USER, offsetof(struct pagefilter, pages_user) },
		{ "free", "free", DL_FREE, offsetof(struct pagefilter, pages_free) },
		{ "hwpoison", "hwpoison", 0, offsetof(struct pagefilter, pages_hwpoison) },
		{ "offline", "offline", 0, offsetof(struct pagefilter, pages_offline) },
	};
	struct inspect_pages ip;
	struct pagefilter *pf = &ip.pf;
	uint64_t total, excluded, zero;
	int rc, zero_applied;

	open_core(ctx);
	rc = inspect_pages(&ctx->vc, ctx->level, &ip);
	if (pf->warning[0])
		warnmsg("%s: %s", ctx->path, pf->warning);
	total = ip.total, excluded = ip.excluded, zero = ip.zero;
	zero_applied = (pf->applied & DL_ZERO) != 0;

	if (ctx->json) {
		struct json j;

		json_init(&j, stdout);
		json_object(&j, NULL);
		json_str(&j, "file", ctx->path);
		json_u64(&j, "level", pf->level);
		json_u64(&j, "applied", pf->applied);
		json_u64(&j, "page_size", pf->page_size);
		json_u64(&j, "total_pages", total);
		json_object(&j, "excluded");
		if (zero_applied)
			json_u64(&j, "zero", zero);
		else
			json_null(&j, "zero");
		for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
			if (classes[i].bit ? !(pf->applied & classes[i].bit) : !pf->walked)
				json_null(&j, classes[i].key);
			else
				json_u64(&j, classes[i].key,
					 *(const uint64_t *)((const char *)pf + classes[i].off));
		}
		json_end(&j);
		json_u64(&j, "excluded_pages", excluded);
		json_u64(&j, "kept_pages", total - excluded);
		json_u64(&j, "unreadable_struct_pages", pf->unreadable);
		json_str(&j, "warning", pf->warning[0] ? pf->warning : NULL);
		json_finish(&j);
	} else {
		printf("Dump level:      %u\n", pf->level);
		printf("Applied:         %u\n", pf->applied);
		printf("Page size:       %" PRIu64 "\n", pf->page_size);
		printf("Pages:           %" PRIu64 "\n", total);
		printf("Excluded:        %" PRIu64 "\n", excluded);
		if (zero_applied)
			printf("  %-14s %" PRIu64 "\n", "zero", zero);
		else
			printf("  %-14s %s\n", "zero", "-");
		for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
			if (classes[i].bit ? !(pf->applied & classes[i].bit) : !pf->walked)
				printf("  %-14s -\n", classes[i].name);
			else
				printf("  %-14s %" PRIu64 "\n", classes[i].name,
				       *(const uint64_t *)((const char *)pf + classes[i].off));
		}
		printf("Kept:            %" PRIu64 "\n", total - excluded);
	}
	pagefilter_free(pf);
	return rc < 0 ? EXIT_DAMAGED : EXIT_OK;
}

/* ---- vtop -------------------------------------------------------------- */

static int cmd_vtop(struct inspect *ctx)
{
	int rc = EXIT_OK;

	if (ctx->nargs < 1)
		usage_error("vtop takes VMCORE ADDR...");
	for (int i = 0; i < ctx->nargs; i++) {
		uint64_t va;

		if (parse_u64(ctx->args[i], &va) < 0)
			usage_error("bad address '%s'", ctx->args[i]);
	}
	open_core(ctx);
	for (int i = 0; i < ctx->nargs; i++) {
		uint64_t va, pa;

		parse_u64(ctx->args[i], &va);
		if (vmcore_vtop(&ctx->vc, va, &pa) == 0) {
			printf("0x%016" PRIx64 " 0x%" PRIx64 "\n", va, pa);
		} else {
			warnmsg("%s: 0x%" PRIx64 ": %s", ctx->path, va,
				errno == EIO ? "a page table is not in the dump" : "not mapped");
			printf("0x%016" PRIx64 " -\n", va);
			rc = EXIT_DAMAGED;
		}
	}
	return rc;
}

/* ---- symbols and triage -------------------------------------------------- */

static int cmd_symbol(struct inspect *ctx)
{
	struct kallsyms ks;
	struct err e;
	int rc = EXIT_OK;

	if (ctx->nargs < 1)
		usage_error("symbol takes VMCORE ADDR...");
	for (int i = 0; i < ctx->nargs; i++) {
		uint64_t a;

		if (parse_u64(ctx->args[i], &a) < 0)
			usage_error("bad address '%s'", ctx->args[i]);
	}
	open_core(ctx);
	if (kallsyms_open(&ks, &ctx->vc, &e) < 0)
		die(e.status, "%s: %s", ctx->path, e.msg);
	for (int i = 0; i < ctx->nargs; i++) {
		char name[KALLSYMS_NAME_MAX];
		uint64_t a, off, size;

		parse_u64(ctx->args[i], &a);
		if (kallsyms_lookup(&ks, a, name, sizeof(name), &off, &size) == 0) {
			printf("0x%016" PRIx64 " %s+0x%" PRIx64 "/0x%" PRIx64 "\n", a, name, off, size);
		} else {
			printf("0x%016" PRIx64 " -\n", a);
			rc = EXIT_DAMAGED;
		}
	}
	kallsyms_close(&ks);
	return rc;
}

static int cmd_triage(struct inspect *ctx)
{
	struct triage *t = xmalloc(sizeof(*t));
	struct err e;

	open_core(ctx);
	if (triage_run(&ctx->vc, t, &e) < 0)
		die(e.status, "%s: %s", ctx->path, e.msg);
	if (ctx->json)
		triage_json(stdout, t, ctx->path);
	else
		triage_print(stdout, t);
	free(t);
	return EXIT_OK;
}

/* ---- convert ----------------------------------------------------------- */

static int cmd_convert(struct inspect *ctx)
{
	struct convert_job c = {
		.in = ctx->path, .out = ctx->args[0], .format = ctx->format,
		.compress_set = ctx->compress != NULL, .level = ctx->level,
		.level_set = ctx->level_set, .threads = ctx->threads, .threads_set = ctx->threads_set,
	};
	enum codec codec;
	struct err e;
	int rc;

	if (ctx->compress && ctx->format == DUMP_FORMAT_ELF)
		usage_error("--compress is for kdump output, not --format elf");
	if (ctx->threads_set && ctx->format == DUMP_FORMAT_ELF)
		usage_error("--threads is for kdump output, not --format elf");
	if (codec_choose(ctx->compress, &codec, &c.codec_level, &e) < 0)
		usage_error("--%s", e.msg);
	if (strcmp(c.out, "-") == 0)
		usage_error("convert writes a file, not standard output");
	c.codec = (int)codec;
	rc = convert_run(&c, &e);
	if (c.filter_warning[0])
		warnmsg("page filter: %s", c.filter_warning);
	if (rc == EXIT_USAGE)
		usage_error("%s", e.msg);
	if (rc == EXIT_OK && c.reassembled)
		fprintf(stderr, "%s: %s: %" PRIu64 " bytes reassembled\n", applet_name, c.out, c.size);
	else if (rc == EXIT_OK)
		fprintf(stderr, "%s: %s: %" PRIu64 " bytes (%s)\n", applet_name, c.out, c.size, c.what);
	else if (c.what[0])
		warnmsg("%s", e.msg);	/* the dump was written as far as it went */
	else
		die(rc, "%s", e.msg);
	return rc;
}

/* ---- dispatch ---------------------------------------------------------- */

struct command {
	const char *name;
	int (*run)(struct inspect *ctx);
	unsigned takes;		/* TAKES_* */
	int nargs;		/* positional arguments after VMCORE (-1: checked by run) */
};

static const struct command commands[] = {
	{ "info", cmd_info, TAKES_JSON, 0 },
	{ "notes", cmd_notes, TAKES_JSON, 0 },
	{ "vmcoreinfo", cmd_vmcoreinfo, TAKES_GET, 0 },
	{ "read", cmd_read, TAKES_ADDR, -1 },
	{ "verify", cmd_verify, TAKES_JSON, 0 },
	{ "dmesg", cmd_dmesg, TAKES_DMESG, 0 },
	{ "pages", cmd_pages, TAKES_JSON | TAKES_LEVEL, 0 },
	{ "convert", cmd_convert, TAKES_LEVEL | TAKES_CONVERT, 1 },
	{ "vtop", cmd_vtop, 0, -1 },
	{ "symbol", cmd_symbol, 0, -1 },
	{ "triage", cmd_triage, TAKES_JSON, 0 },
};

enum { OPT_JSON = 256, OPT_GET, OPT_PHYS, OPT_VIRT, OPT_HEX, OPT_SINCE, OPT_TAIL, OPT_FORMAT,
       OPT_COMPRESS, OPT_THREADS };

/* One option of the command line into ctx; 0, or -1 for one this applet
 * does not have. */
static int take_option(struct inspect *ctx, int c, const char *arg)
{
	/* The output settings are parsed as the dump's are. */
	struct dumpjob_settings set = { 0 };
	struct err e;

	switch (c) {
	case OPT_JSON:
		ctx->json = 1;
		break;
	case OPT_GET:
		ctx->get = arg;
		break;
	case OPT_PHYS:
		ctx->phys = 1;
		break;
	case OPT_VIRT:
		ctx->virt = 1;
		break;
	case OPT_HEX:
		ctx->hex = 1;
		break;
	case OPT_SINCE:
		if (printk_parse_seconds(arg, &ctx->since_nsec) < 0)
			usage_error("--since takes seconds, e.g. 2.5, not '%s'", arg);
		break;
	case OPT_TAIL:
		if (parse_u64(arg, &ctx->tail) < 0)
			usage_error("--tail takes a number of lines, not '%s'", arg);
		ctx->tail_set = 1;
		break;
	case 'd': {
		uint64_t level;

		if (parse_u64(arg, &level) < 0 || level > DL_MAX)
			usage_error("-d takes a dump level 0-31, not '%s'", arg);
		ctx->level = (unsigned)level;
		ctx->level_set = 1;
		break;
	}
	case OPT_FORMAT:
		if (dumpjob_set(&set, "format", arg, &e) < 0)
			usage_error("--%s", e.msg);
		ctx->format = set.format;
		break;
	case OPT_COMPRESS:
		ctx->compress = arg;
		break;
	case OPT_THREADS:
		if (dumpjob_set(&set, "threads", arg, &e) < 0)
			usage_error("--%s", e.msg);
		ctx->threads = set.threads;
		ctx->threads_set = 1;
		break;
	default:
		return -1;
	}
	return 0;
}

int vmcore_inspect_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "get", required_argument, NULL, OPT_GET },
		{ "phys", no_argument, NULL, OPT_PHYS },
		{ "virt", no_argument, NULL, OPT_VIRT },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "tail", required_argument, NULL, OPT_TAIL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "compress", required_argument, NULL, OPT_COMPRESS },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { int opt; unsigned takes; const char *name; } needs[] = {
		{ OPT_JSON, TAKES_JSON, "--json" },
		{ OPT_GET, TAKES_GET, "--get" },
		{ OPT_PHYS, TAKES_ADDR, "--phys" },
		{ OPT_VIRT, TAKES_ADDR, "--virt" },
		{ OPT_HEX, TAKES_ADDR, "--hex" },
		{ OPT_SINCE, TAKES_DMESG, "--since" },
		{ OPT_TAIL, TAKES_DMESG, "--tail" },
		{ 'd', TAKES_LEVEL, "-d" },
		{ OPT_FORMAT, TAKES_CONVERT, "--format" },
		{ OPT_COMPRESS, TAKES_CONVERT, "--compress" },
		{ OPT_THREADS, TAKES_CONVERT, "--threads" },
	};
	struct inspect ctx = { .win.fd = -1, .level = DL_MAX, .format = -1 };
	const struct command *cmd = NULL;
	int c, rc;

	if (argc < 2)
		usage_error("missing command");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd)
		usage_error("unknown command '%s'", argv[1]);
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "d:", longopts, NULL)) != -1) {
		for (size_t i = 0; i < ARRAY_SIZE(needs); i++)
			if (needs[i].opt == c && !(cmd->takes & needs[i].takes))
				usage_error("%s does not take %s", cmd->name, needs[i].name);
		if (take_option(&ctx, c, optarg) < 0)
			usage_bad_option(argv);
	}
	if (optind >= argc)
		usage_error("%s needs a VMCORE", cmd->name);
	ctx.path = argv[optind];
	ctx.args = argv + optind + 1;
	ctx.nargs = argc - optind - 1;
	if (cmd->run == cmd_convert && ctx.nargs != 1)
		usage_error("convert takes IN OUT");
	if (cmd->nargs >= 0 && ctx.nargs != cmd->nargs)
		usage_error("%s takes one VMCORE", cmd->name);
	rc = cmd->run(&ctx);
	vmcore_close(&ctx.vc);
	window_close(&ctx.win);
	return rc;
}
