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
//config:	  saved copy of it; a file or a block device) of any architecture
//config:	  and byte order.
//config:
//config:	  Commands:
//config:	    info VMCORE     architecture, byte order, ELF class, kernel
//config:	                    release, node name, crash time, page size,
//config:	                    CPUs, memory ranges, dumped bytes, and whether
//config:	                    the file is complete or truncated (then exit 1)
//config:	    notes VMCORE    every ELF note: name, type, size; decoded
//config:	                    registers of NT_PRSTATUS (x86_64, s390x) and
//config:	                    of the s390 notes (prefix, timers, control
//config:	                    and vector registers)
//config:	    vmcoreinfo VMCORE
//config:	                    the VMCOREINFO text
//config:	    read VMCORE --phys|--virt ADDR LEN
//config:	                    LEN bytes (at most 1 GiB) of the dumped memory
//config:	                    at a physical or virtual (p_vaddr) address,
//config:	                    raw to stdout; exit 1 if not all in the dump
//config:	    dmesg VMCORE    the crashed kernel's log, in the format of
//config:	                    makedumpfile --dump-dmesg (docs/DMESG.md);
//config:	                    exit 1 if it cannot be read
//config:	    verify VMCORE   check the structure (headers, notes, segments
//config:	                    in the file, overlapping file ranges): one
//config:	                    line a finding; exit 0 good, 1 damaged, 2 not
//config:	                    a vmcore
//config:
//config:	  Options:
//config:	    --json          info, notes, verify: machine-readable output
//config:	                    (docs/JSON.md)
//config:	    --get KEY       vmcoreinfo: print KEY's value only (exit 1 if
//config:	                    absent), e.g. --get OSRELEASE
//config:	    --phys, --virt  read: ADDR is a physical / virtual address
//config:	    --hex           read: a hexdump -C style dump (offsets from
//config:	                    ADDR) instead of raw bytes
//config:	    --since SECONDS dmesg: only records stamped SECONDS (e.g. 2.5)
//config:	                    after boot or later
//config:	    --tail N        dmesg: only the last N lines
//config:	    --help          this text
//config:
//config:	  ADDR and LEN are decimal or 0x hex.
//config:
//config:	  Exit status: 0 success, 1 damaged or truncated input (or an
//config:	  address not in the dump), 2 not a vmcore, 64 usage error.
//config:
//config:config VMCORE_INSPECT_DMESG
//config:	bool "vmcore-inspect dmesg: the kernel log"
//config:	default y
//config:	depends on VMCORE_INSPECT
//config:	help
//config:	  The dmesg command: the crashed kernel's log from the dump alone
//config:	  (lockless ring of 5.10+, structured log of 3.5-5.9, legacy
//config:	  ring), as makedumpfile --dump-dmesg prints it.

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dumpbox.h"
#include "inspect.h"
#include "json.h"
#include "notes.h"
#include "printk.h"
#include "vmcore.h"

/* read: more than this is a typo, not a question about memory. */
#define READ_MAX (1ull << 30)
#define READ_CHUNK 65536

/* Which options a command takes. */
enum {
	TAKES_JSON = 1 << 0,
	TAKES_GET = 1 << 1,
	TAKES_ADDR = 1 << 2,	/* --phys, --virt, --hex */
	TAKES_DMESG = 1 << 3,	/* --since, --tail */
};

struct inspect {
	const char *path;
	int json;
	const char *get;	/* vmcoreinfo --get KEY */
	int phys, virt, hex;	/* read */
	uint64_t since_nsec;	/* dmesg --since */
	uint64_t tail;		/* dmesg --tail, when tail_set */
	int tail_set;
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
		die(rc, "%s: %s", ctx->path, ctx->vc.err);
}

static const char *byte_order(const struct vmcore *vc)
{
	return vc->data == ELFDATA2MSB ? "big-endian" : "little-endian";
}

/* Text from the dump for a terminal: no control bytes. */
static const char *printable(char *s)
{
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return s;
}

/* CRASHTIME as a UTC date; 0, or -1 if it is not a time. */
static int crash_date(const char *crashtime, char *buf, size_t len, int iso)
{
	uint64_t secs;
	time_t t;
	struct tm tm;

	if (parse_u64(crashtime, &secs) < 0 || secs > (uint64_t)INT32_MAX * 64)
		return -1;
	t = (time_t)secs;
	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, len, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &tm))
		return -1;
	return 0;
}

/* ---- info -------------------------------------------------------------- */

static int cmd_info(struct inspect *ctx)
{
	const struct vmcore *vc = &ctx->vc;
	char release[128], pagesize[32], crashtime[32], date[40];
	uint64_t missing, dumped;
	int have_release, have_page, have_time, have_date, have_uts;
	struct inspect_uts uts;
	const char *why = NULL;

	open_core(ctx);
	missing = vmcore_missing_bytes(vc);
	dumped = inspect_dumped_bytes(vc);
	have_release = vmcoreinfo_get(vc, "OSRELEASE", release, sizeof(release)) == 0;
	have_page = vmcoreinfo_get(vc, "PAGESIZE", pagesize, sizeof(pagesize)) == 0;
	have_time = vmcoreinfo_get(vc, "CRASHTIME", crashtime, sizeof(crashtime)) == 0;
	have_date = have_time && crash_date(crashtime, date, sizeof(date), ctx->json) == 0;
	have_uts = inspect_uts(vc, &uts, &why) == 0;

	if (ctx->json) {
		struct json j;

		json_init(&j, stdout);
		json_object(&j, NULL);
		json_str(&j, "file", ctx->path);
		json_str(&j, "arch", vmcore_arch(vc));
		json_u64(&j, "machine", vc->ehdr.e_machine);
		json_str(&j, "byte_order", byte_order(vc));
		json_u64(&j, "elf_class", vc->elfclass == ELFCLASS64 ? 64 : 32);
		json_str(&j, "kernel_release", have_release ? release : NULL);
		json_str(&j, "node_name", have_uts ? uts.nodename : NULL);
		if (have_uts) {
			json_object(&j, "uts");
			json_str(&j, "sysname", uts.sysname);
			json_str(&j, "nodename", uts.nodename);
			json_str(&j, "release", uts.release);
			json_str(&j, "version", uts.version);
			json_str(&j, "machine", uts.machine);
			json_str(&j, "domainname", uts.domainname);
			json_end(&j);
		} else {
			json_null(&j, "uts");
		}
		json_str(&j, "crash_time", have_time ? crashtime : NULL);
		json_str(&j, "crash_time_utc", have_date ? date : NULL);
		json_str(&j, "page_size", have_page ? pagesize : NULL);
		json_u64(&j, "cpus", notes_cpus(vc));
		json_u64(&j, "notes", vc->nnotes);
		json_bool(&j, "vmcoreinfo", vc->vmcoreinfo != NULL);
		json_array(&j, "segments");
		for (size_t i = 0; i < vc->nloads; i++) {
			const struct vmcore_segment *s = &vc->loads[i];

			json_object(&j, NULL);
			json_u64(&j, "paddr", s->paddr);
			json_u64(&j, "vaddr", s->vaddr);
			json_u64(&j, "offset", s->offset);
			json_u64(&j, "filesz", s->filesz);
			json_u64(&j, "memsz", s->memsz);
			json_end(&j);
		}
		json_end(&j);
		json_u64(&j, "dumped_bytes", dumped);
		json_u64(&j, "file_size", ctx->win.size);
		json_u64(&j, "expected_size", vc->expected_size);
		json_bool(&j, "complete", missing == 0);
		json_u64(&j, "missing_bytes", missing);
		json_finish(&j);
		return missing ? EXIT_DAMAGED : EXIT_OK;
	}

	printf("File:            %s\n", ctx->path);
	printf("Architecture:    %s (ELF machine %u)\n", vmcore_arch(vc), vc->ehdr.e_machine);
	printf("Byte order:      %s\n", byte_order(vc));
	printf("ELF class:       ELF%d\n", vc->elfclass == ELFCLASS64 ? 64 : 32);
	printf("Kernel release:  %s\n",
	       have_release ? printable(release) : "unknown (no VMCOREINFO)");
	if (have_uts)
		printf("Node name:       %s\n", printable(uts.nodename));
	else
		printf("Node name:       unknown (%s)\n", why);
	if (!have_time)
		printf("Crash time:      unknown\n");
	else if (have_date)
		printf("Crash time:      %s (%s)\n", crashtime, date);
	else
		printf("Crash time:      %s (not a time)\n", printable(crashtime));
	printf("Page size:       %s\n", have_page ? printable(pagesize) : "unknown");
	printf("CPUs:            %zu\n", notes_cpus(vc));
	printf("Memory ranges:   %zu\n", vc->nloads);
	printf("  %-18s %-18s %-18s %s\n", "physical", "virtual", "size", "file offset");
	for (size_t i = 0; i < vc->nloads; i++) {
		const struct vmcore_segment *s = &vc->loads[i];

		printf("  0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64 " 0x%" PRIx64 "\n",
		       s->paddr, s->vaddr, s->memsz, s->offset);
	}
	printf("Dumped bytes:    %" PRIu64 " (%" PRIu64 " MiB)\n", dumped, dumped >> 20);
	if (missing)
		printf("Complete:        no: truncated, %" PRIu64 " bytes missing "
		       "(file has %" PRIu64 " of %" PRIu64 ")\n",
		       missing, ctx->win.size, vc->expected_size);
	else
		printf("Complete:        yes\n");
	return missing ? EXIT_DAMAGED : EXIT_OK;
}

/* ---- notes ------------------------------------------------------------- */

static void print_fields(const struct vmcore *vc, const struct vmcore_note *n,
			 const struct note_layout *l)
{
	size_t per_line = 3, col = 0;
	char hex[NOTES_HEX_MAX];

	for (size_t i = 0; i < l->nfields; i++)
		if (l->fields[i].size > 8)
			per_line = 2;
	for (size_t i = 0; i < l->nfields; i++) {
		const struct note_field *f = &l->fields[i];

		int last = ++col == per_line || i + 1 == l->nfields;

		/* Columns line up; no line ends in blanks. */
		printf("%s%-9s %-*s", col > 1 ? "  " : "      ", f->name, last ? 0 : 18,
		       notes_field_hex(vc, n, f, hex, sizeof(hex)));
		if (last) {
			putchar('\n');
			col = 0;
		}
	}
}

static int cmd_notes(struct inspect *ctx)
{
	const struct vmcore *vc = &ctx->vc;
	size_t cpu = 0;
	struct json j;

	open_core(ctx);
	if (ctx->json) {
		json_init(&j, stdout);
		json_object(&j, NULL);
		json_str(&j, "file", ctx->path);
		json_str(&j, "arch", vmcore_arch(vc));
		json_str(&j, "byte_order", byte_order(vc));
		json_bool(&j, "damaged", vc->notes_damaged);
		json_array(&j, "notes");
	} else {
		printf("%zu notes%s\n", vc->nnotes,
		       vc->notes_damaged ? " (and damaged ones after them: see verify)" : "");
	}
	for (size_t i = 0; i < vc->nnotes; i++) {
		const struct vmcore_note *n = &vc->notes[i];
		const struct note_layout *l = notes_layout(vc, n);
		const char *tname = notes_type_name(n);
		int prstatus = n->type == NT_PRSTATUS && strcmp(n->name, "CORE") == 0;
		int64_t pid = notes_pid(vc, n);
		char hex[NOTES_HEX_MAX];

		if (ctx->json) {
			json_object(&j, NULL);
			json_u64(&j, "index", i);
			json_str(&j, "name", n->name);
			json_u64(&j, "type", n->type);
			json_str(&j, "type_name", tname);
			json_u64(&j, "size", n->descsz);
			json_u64(&j, "offset", n->offset);
			if (prstatus)
				json_u64(&j, "cpu", cpu);
			else
				json_null(&j, "cpu");
			if (pid >= 0)
				json_i64(&j, "pid", pid);
			else
				json_null(&j, "pid");
			if (l) {
				json_object(&j, "registers");
				for (size_t k = 0; k < l->nfields; k++)
					json_str(&j, l->fields[k].name,
						 notes_field_hex(vc, n, &l->fields[k], hex, sizeof(hex)));
				json_end(&j);
			} else {
				json_null(&j, "registers");
			}
			json_end(&j);
		} else {
			char name[32];

			snprintf(name, sizeof(name), "%s", n->name);
			printf("  %-3zu %-10s %-18s 0x%-8" PRIx32 " %6" PRIu32 " bytes at 0x%" PRIx64 "\n",
			       i, printable(name), tname ? tname : "-", n->type, n->descsz, n->offset);
			if (prstatus && pid >= 0)
				printf("      CPU %zu, pid %" PRId64 "\n", cpu, pid);
			if (l)
				print_fields(vc, n, l);
		}
		if (prstatus)
			cpu++;
	}
	if (ctx->json)
		json_finish(&j);
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

/* hexdump -C's format: offset, 16 bytes in two groups, the printable
 * ones; a run of lines equal to the one before is one "*"; the last line
 * is the length. */
struct hexdump {
	uint64_t off;
	unsigned char prev[16];
	int have_prev, squeezing;
};

static void hex_line(struct hexdump *h, const unsigned char *b, size_t n)
{
	if (n == 16 && h->have_prev && memcmp(b, h->prev, 16) == 0) {
		if (!h->squeezing)
			puts("*");
		h->squeezing = 1;
	} else {
		h->squeezing = 0;
		printf("%08" PRIx64 " ", h->off);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				putchar(' ');
			if (i < n)
				printf(" %02x", b[i]);
			else
				fputs("   ", stdout);
		}
		fputs("  |", stdout);
		for (size_t i = 0; i < n; i++)
			putchar(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.');
		puts("|");
	}
	memcpy(h->prev, b, n);
	h->have_prev = n == 16;
	h->off += n;
}

static int cmd_read(struct inspect *ctx)
{
	const struct vmcore *vc = &ctx->vc;
	uint64_t addr, len, gap;
	struct hexdump h = { 0 };
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
		if (errno == EIO)
			die(EXIT_DAMAGED, "%s: %s address 0x%" PRIx64 " is in a segment that "
			    "the truncated file cuts off", ctx->path, kind, gap);
		die(EXIT_DAMAGED, "%s: %s address 0x%" PRIx64 " is not in the dump "
		    "(see the memory ranges of 'info')", ctx->path, kind, gap);
	}
	buf = xmalloc(READ_CHUNK);
	while (len) {
		size_t n = len < READ_CHUNK ? (size_t)len : READ_CHUNK;
		int rc = ctx->virt ? vmcore_read_virt(vc, addr, buf, n)
				   : vmcore_read_phys(vc, addr, buf, n);

		if (rc < 0)
			die(EXIT_DAMAGED, "%s: reading %s 0x%" PRIx64 ":", ctx->path, kind, addr);
		if (ctx->hex) {
			for (size_t i = 0; i < n; i += 16)
				hex_line(&h, buf + i, n - i < 16 ? n - i : 16);
		} else if (fwrite(buf, 1, n, stdout) != n) {
			break;	/* finish_stdout() reports it */
		}
		addr += n;
		len -= n;
	}
	if (ctx->hex && h.off)
		printf("%08" PRIx64 "\n", h.off);
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

	if (ctx->json) {
		json_init(&j, stdout);
		json_object(&j, NULL);
		json_str(&j, "file", ctx->path);
		json_array(&j, "findings");
	}
	if (rc == EXIT_DAMAGED) {
		/* The reader stops at the first thing it cannot get past. */
		verify_line(&out, INSPECT_DAMAGE, "headers", INSPECT_NO_OFFSET, ctx->vc.err);
		damage = 1;
	} else if (!rc) {
		damage = inspect_verify(&ctx->vc, verify_line, &out);
	}
	result = rc == EXIT_NOT_OURS ? "not_a_vmcore" : damage ? "damaged" : "good";
	if (ctx->json) {
		json_end(&j);
		json_str(&j, "result", result);
		json_u64(&j, "damage", damage);
		json_str(&j, "reason", rc == EXIT_NOT_OURS ? ctx->vc.err : NULL);
		json_finish(&j);
	} else if (rc == EXIT_NOT_OURS) {
		printf("%s: not a vmcore: %s\n", ctx->path, ctx->vc.err);
	} else if (damage) {
		printf("%s: damaged (%zu finding%s)\n", ctx->path, damage, damage == 1 ? "" : "s");
	} else {
		printf("%s: good\n", ctx->path);
	}
	if (rc == EXIT_NOT_OURS)
		return EXIT_NOT_OURS;
	return damage ? EXIT_DAMAGED : EXIT_OK;
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
	char err[256];
	int rc;

	if (!IS_ENABLED(CONFIG_VMCORE_INSPECT_DMESG))
		usage_error("unknown command 'dmesg' (not in this build)");
	open_core(ctx);
	/* --tail: count the lines first, then print past all but the last
	 * N; the log is read twice instead of being held. A count cut short
	 * by damage is what the second pass will print. */
	if (ctx->tail_set) {
		printk_log(&ctx->vc, dmesg_emit, &d, err, sizeof(err));
		d.w.skip = d.w.lines > ctx->tail ? d.w.lines - ctx->tail : 0;
		d.w.lines = 0;
		d.w.mid_line = 0;
	}
	d.w.out = stdout;
	rc = printk_log(&ctx->vc, dmesg_emit, &d, err, sizeof(err));
	if (rc > 0)
		return EXIT_DAMAGED;	/* stdout failed: finish_stdout() says so */
	if (rc < 0) {
		warnmsg("%s: %s", ctx->path, err);
		return EXIT_DAMAGED;
	}
	return EXIT_OK;
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
};

int vmcore_inspect_main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_GET, OPT_PHYS, OPT_VIRT, OPT_HEX, OPT_SINCE, OPT_TAIL };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "get", required_argument, NULL, OPT_GET },
		{ "phys", no_argument, NULL, OPT_PHYS },
		{ "virt", no_argument, NULL, OPT_VIRT },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "tail", required_argument, NULL, OPT_TAIL },
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
	};
	struct inspect ctx = { .win.fd = -1 };
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
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		for (size_t i = 0; i < ARRAY_SIZE(needs); i++)
			if (needs[i].opt == c && !(cmd->takes & needs[i].takes))
				usage_error("%s does not take %s", cmd->name, needs[i].name);
		switch (c) {
		case OPT_JSON:
			ctx.json = 1;
			break;
		case OPT_GET:
			ctx.get = optarg;
			break;
		case OPT_PHYS:
			ctx.phys = 1;
			break;
		case OPT_VIRT:
			ctx.virt = 1;
			break;
		case OPT_HEX:
			ctx.hex = 1;
			break;
		case OPT_SINCE:
			if (printk_parse_seconds(optarg, &ctx.since_nsec) < 0)
				usage_error("--since takes seconds, e.g. 2.5, not '%s'", optarg);
			break;
		case OPT_TAIL:
			if (parse_u64(optarg, &ctx.tail) < 0)
				usage_error("--tail takes a number of lines, not '%s'", optarg);
			ctx.tail_set = 1;
			break;
		default:
			usage_error("bad option");
		}
	}
	if (optind >= argc)
		usage_error("%s needs a VMCORE", cmd->name);
	ctx.path = argv[optind];
	ctx.args = argv + optind + 1;
	ctx.nargs = argc - optind - 1;
	if (cmd->nargs >= 0 && ctx.nargs != cmd->nargs)
		usage_error("%s takes one VMCORE", cmd->name);
	rc = cmd->run(&ctx);
	vmcore_close(&ctx.vc);
	window_close(&ctx.win);
	return rc;
}
