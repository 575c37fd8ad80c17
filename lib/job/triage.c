/* Triage from the dump alone (job/triage.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dumpbox.h"
#include "base/json.h"
#include "core/crashlog.h"
#include "core/kallsyms.h"
#include "core/notes.h"
#include "core/printk.h"
#include "core/vmcore.h"
#include "job/triage.h"

#define LOG_LINES	1000
#define LOG_BYTES	(512u << 10)

/* ---- the log --------------------------------------------------------- */

/* The text after "[ s.us] ", and the stamp in *ns (if any). */
static const char *unstamped(const char *line, uint64_t *ns)
{
	const char *p = line + 1;
	char *end;
	unsigned long long s, us;

	if (ns)
		*ns = 0;
	if (*line != '[')
		return line;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return line;
	s = strtoull(p, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return line;
	us = strtoull(end + 1, &end, 10);
	if (*end != ']')
		return line;
	if (ns)
		*ns = s * 1000000000ull + us * 1000ull;
	return end[1] == ' ' ? end + 2 : end + 1;
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* What kind of report a first line starts, as the kernel words them. */
static const char *report_kind(const char *s)
{
	static const struct { const char *prefix, *kind; } k[] = {
		{ "Kernel panic - not syncing: Out of memory", "OOM panic" },
		{ "Kernel panic - not syncing: hung_task", "hung task" },
		{ "Kernel panic - not syncing: softlockup", "soft lockup" },
		{ "Kernel panic - not syncing: Hard LOCKUP", "hard lockup" },
		{ "Kernel panic - not syncing: sysrq", "sysrq" },
		{ "Kernel panic - not syncing", "panic" },
		{ "sysrq: Trigger a crash", "sysrq" },
		{ "BUG: soft lockup", "soft lockup" },
		{ "BUG: kernel NULL pointer dereference", "oops" },
		{ "BUG: unable to handle", "oops" },
		{ "BUG:", "BUG" },
		{ "kernel BUG at", "BUG" },
		{ "Oops:", "oops" },
		{ "general protection fault", "general protection fault" },
		{ "WARNING:", "WARNING" },
		{ "INFO: task", "hung task" },
		{ "Watchdog detected hard LOCKUP", "hard lockup" },
		{ "Out of memory", "OOM panic" },
		{ "Unable to handle kernel", "oops" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(k); i++)
		if (starts(s, k[i].prefix))
			return k[i].kind;
	return "crash";
}

/* The kernel's taint letters (Documentation/admin-guide/tainted-kernels.rst). */
static void decode_taint(struct triage *t)
{
	static const struct { char c; const char *what; } flags[] = {
		{ 'P', "proprietary module loaded" }, { 'F', "module force-loaded" },
		{ 'S', "out-of-spec hardware or SMP-unsafe" }, { 'R', "module force-unloaded" },
		{ 'M', "machine check" }, { 'B', "bad page" }, { 'U', "tainted by user" },
		{ 'D', "died recently (an oops or BUG)" }, { 'A', "ACPI table overridden" },
		{ 'W', "a warning was issued" }, { 'C', "staging driver loaded" },
		{ 'I', "firmware bug worked around" }, { 'O', "out-of-tree module loaded" },
		{ 'E', "unsigned module loaded" }, { 'L', "soft lockup occurred" },
		{ 'K', "live-patched" }, { 'X', "auxiliary taint" }, { 'T', "built with struct randomization" },
		{ 'N', "test module loaded" },
	};
	size_t n = 0;

	t->taint_text[0] = '\0';
	for (const char *p = t->taint; *p; p++)
		for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
			if (*p == flags[i].c && n + 2 < sizeof(t->taint_text))
				n += (size_t)snprintf(t->taint_text + n, sizeof(t->taint_text) - n,
						      "%s%c: %s", n ? "; " : "", flags[i].c,
						      flags[i].what);
}

/* "CPU: 0 PID: 1 Comm: init Tainted: G        W   6.1.0 #1" (or "Not
 * tainted"): the task and the taint flags. */
static void parse_task(struct triage *t, const char *s)
{
	const char *c, *tn;
	char *end;
	size_t n;

	if (!starts(s, "CPU: "))
		return;
	t->log_cpu = strtol(s + 5, &end, 10);
	if (end == s + 5 || !starts(end, " PID: "))
		return;
	c = end + 6;
	t->log_pid = strtol(c, &end, 10);
	if (end == c || !starts(end, " Comm: "))
		return;
	c = end + 7;
	n = strcspn(c, " ");
	if (n == 0 || n >= sizeof(t->comm))
		return;
	memcpy(t->comm, c, n);
	t->comm[n] = '\0';
	t->have_task = 1;
	c += n;
	tn = strstr(c, "Tainted: ");
	if (!tn || strstr(c, "Not tainted"))
		return;
	tn += strlen("Tainted: ");
	/* The flags: letters and the blanks between them, up to the
	 * release (which starts with a digit). */
	n = 0;
	for (; *tn && !isdigit((unsigned char)*tn) && n + 1 < sizeof(t->taint); tn++)
		if (isalpha((unsigned char)*tn))
			t->taint[n++] = *tn;
	t->taint[n] = '\0';
	decode_taint(t);
}

/* One frame of a printed trace: x86_64 " ? func+0x16/0x20 [mod]", s390x
 * " [<0000000000a225ee>] func+0x1f6/0x220". 1 with f filled, 0 not one. */
static int parse_frame(const char *s, struct triage_frame *f)
{
	const char *plus;
	size_t n;

	memset(f, 0, sizeof(*f));
	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] == '[' && s[1] == '<') {
		s = strstr(s, ">] ");
		if (!s)
			return 0;
		s += 3;
	}
	if (s[0] == '?' && s[1] == ' ') {
		f->unreliable = 1;
		s += 2;
	}
	plus = strstr(s, "+0x");
	if (!plus || !strchr(plus, '/'))
		return 0;
	n = (size_t)(plus - s);
	if (n == 0 || n >= sizeof(f->name) || memchr(s, ' ', n))
		return 0;
	memcpy(f->name, s, n);
	f->name[n] = '\0';
	s = strchr(plus, ' ');
	if (s && s[1] == '[') {
		const char *end = strchr(s + 1, ']');

		if (end && (size_t)(end - s) < sizeof(f->module))
			memcpy(f->module, s + 1, (size_t)(end - s));
	}
	return 1;
}

/* The first trace after the report starts. */
static void parse_trace(struct triage *t, const char *const *lines, unsigned from, unsigned n)
{
	unsigned i = from;

	for (; i < n; i++)
		if (strstr(unstamped(lines[i], NULL), "Call Trace:"))
			break;
	for (i++; i < n && t->nframes < TRIAGE_MAX_FRAMES; i++) {
		const char *s = unstamped(lines[i], NULL);

		while (*s == ' ')
			s++;
		if (*s == '<')		/* <TASK>, </IRQ>, ... */
			continue;
		if (!parse_frame(s, &t->frames[t->nframes]))
			break;
		t->nframes++;
	}
}

/* ---- the signature ----------------------------------------------------- */

static int hexdigit(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

void triage_normalize(const char *s, char *out, size_t len)
{
	size_t o = 0;

	if (!len)
		return;
	while (*s && o + 4 < len) {
		size_t run = 0;

		/* 0x..., and bare hex runs of 8 digits or more: addresses. */
		if (s[0] == '0' && s[1] == 'x' && hexdigit(s[2])) {
			for (s += 2; hexdigit(*s); s++)
				;
			memcpy(out + o, "0x?", 3);
			o += 3;
			continue;
		}
		while (hexdigit(s[run]))
			run++;
		if (run >= 8 && (o == 0 || !isalnum((unsigned char)out[o - 1]))) {
			s += run;
			out[o++] = '?';
			continue;
		}
		/* Numbers (PIDs, CPUs, seconds, sizes). */
		if (isdigit((unsigned char)*s) && (o == 0 || !isalpha((unsigned char)out[o - 1]))) {
			while (isdigit((unsigned char)*s) || *s == '.')
				s++;
			out[o++] = 'N';
			continue;
		}
		if (isspace((unsigned char)*s)) {
			while (isspace((unsigned char)*s))
				s++;
			if (o && *s)
				out[o++] = ' ';
			continue;
		}
		out[o++] = *s++;
	}
	out[o] = '\0';
}

/* The frames of the reporting path itself: the same in every report. */
static int reporting_frame(const char *name)
{
	static const char *const skip[] = {
		"dump_stack", "dump_stack_lvl", "show_stack", "show_trace_log_lvl", "panic",
		"vpanic", "__warn", "warn_slowpath_fmt", "report_bug", "handle_bug",
		"exc_invalid_op", "asm_exc_invalid_op", "die", "__die", "__die_body",
		"oops_end", "do_trap", "do_error_trap", "no_context", "__bad_area_nosemaphore",
		"bad_area_nosemaphore", "page_fault_oops", "kernemode_fixup_or_oops",
		"kernelmode_fixup_or_oops", "do_user_addr_fault", "exc_page_fault",
		"asm_exc_page_fault", "show_regs", "do_report_trap", "do_no_context",
		"do_fault_error", "do_exception", "do_dat_exception", "pgm_check_handler",
		"__do_pgm_check", "crash_kexec", "__crash_kexec", "show_regs_print_info",
	};

	for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
		if (strcmp(name, skip[i]) == 0)
			return 1;
	/* .cold, .isra.0, .constprop.0 parts are the function's. */
	return strncmp(name, "dump_stack", 10) == 0;
}

/* FNV-1a, 64 bits: stable, and enough to tell reports apart; not a
 * defence against anyone making two collide. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void base_name(const char *name, char *out, size_t len)
{
	size_t n = strcspn(name, ".");

	snprintf(out, len, "%.*s", (int)n, name);
}

static void sign(struct triage *t)
{
	char msg[256];
	size_t n;

	triage_normalize(t->report, msg, sizeof(msg));
	n = (size_t)snprintf(t->sig_text, sizeof(t->sig_text), "%s", msg);
	if (t->panic[0] && strcmp(t->panic, t->report) != 0) {
		triage_normalize(t->panic, msg, sizeof(msg));
		n += (size_t)snprintf(t->sig_text + n, sizeof(t->sig_text) - n, "\n%s", msg);
	}
	t->sig_frames = 0;
	for (size_t i = 0; i < t->nframes && t->sig_frames < TRIAGE_SIG_FRAMES; i++) {
		char name[128];

		base_name(t->frames[i].name, name, sizeof(name));
		if (t->frames[i].unreliable || reporting_frame(name))
			continue;
		if (n < sizeof(t->sig_text))
			n += (size_t)snprintf(t->sig_text + n, sizeof(t->sig_text) - n, "\n%s", name);
		t->sig_frames++;
	}
	snprintf(t->signature, sizeof(t->signature), "%016" PRIx64, fnv1a(t->sig_text));
}

void triage_from_log(struct triage *t, const char *const *lines, unsigned n)
{
	unsigned start = crashlog_report_start(lines, n);

	t->have_report = start < n;
	if (!t->have_report)
		return;
	snprintf(t->report, sizeof(t->report), "%s", unstamped(lines[start], &t->uptime_ns));
	snprintf(t->kind, sizeof(t->kind), "%s", report_kind(t->report));
	for (unsigned i = start; i < n; i++) {
		const char *s = unstamped(lines[i], NULL);

		if (starts(s, "Kernel panic - not syncing"))
			snprintf(t->panic, sizeof(t->panic), "%s", s);
		if (!t->have_task && starts(s, "CPU: "))
			parse_task(t, s);
	}
	parse_trace(t, lines, start, n);
	sign(t);
}

/* ---- the CPUs ---------------------------------------------------------- */

static const struct note_field *field(const struct note_layout *l, const char *name)
{
	for (size_t i = 0; i < l->nfields; i++)
		if (strcmp(l->fields[i].name, name) == 0)
			return &l->fields[i];
	return NULL;
}

static void symbolize(const struct kallsyms *ks, uint64_t addr, char *out, size_t len)
{
	char name[KALLSYMS_NAME_MAX];
	uint64_t off, size;

	out[0] = '\0';
	if (ks && kallsyms_lookup(ks, addr, name, sizeof(name), &off, &size) == 0)
		snprintf(out, len, "%.150s+0x%" PRIx64 "/0x%" PRIx64, name, off, size);
}

static void cpus(const struct vmcore *vc, struct triage *t, const struct kallsyms *ks)
{
	int s390 = vc->ehdr.e_machine == EM_S390;

	for (size_t i = 0; i < vc->nnotes && t->ncpus < TRIAGE_MAX_CPUS; i++) {
		const struct vmcore_note *n = &vc->notes[i];
		const struct note_layout *l;
		const struct note_field *pc, *ra;
		struct triage_cpu *c;
		uint64_t v[2];

		if (n->type != 1 || strcmp(n->name, "CORE") != 0 || !(l = notes_layout(vc, n)))
			continue;
		pc = field(l, s390 ? "psw_addr" : "rip");
		ra = s390 ? field(l, "r14") : NULL;
		if (!pc)
			continue;
		c = &t->cpus[t->ncpus];
		c->index = (unsigned)t->ncpus++;
		c->pid = notes_pid(vc, n);
		c->crashed = t->have_task && c->pid == t->log_pid;
		c->pc_name = pc->name;
		notes_field(vc, n, pc, v);
		c->pc = v[1];
		symbolize(ks, c->pc, c->pc_sym, sizeof(c->pc_sym));
		if (ra) {
			c->ra_name = ra->name;
			notes_field(vc, n, ra, v);
			c->ra = v[1];
			symbolize(ks, c->ra, c->ra_sym, sizeof(c->ra_sym));
		}
	}
}

/* ---- the whole --------------------------------------------------------- */

static void read_log(const struct vmcore *vc, struct triage *t)
{
	struct err err = { 0 };
	size_t len = 0, nl = 0, cap = 64;
	char *text = printk_log_text(vc, LOG_LINES, LOG_BYTES, &len, &err);
	const char **lines;

	t->have_log = text && len;
	if (!t->have_log) {
		snprintf(t->log_why, sizeof(t->log_why), "%.250s",
			 err.msg[0] ? err.msg : "the log is empty");
		free(text);
		return;
	}
	text = xrealloc(text, len + 1);
	text[len] = '\0';
	lines = xmalloc(cap * sizeof(*lines));
	for (char *p = text, *end = text + len; p < end;) {
		char *e = memchr(p, '\n', (size_t)(end - p));

		if (e)
			*e = '\0';
		if (nl == cap) {
			cap *= 2;
			lines = xrealloc(lines, cap * sizeof(*lines));
		}
		lines[nl++] = p;
		p = e ? e + 1 : end;
	}
	triage_from_log(t, lines, (unsigned)nl);
	free(lines);
	free(text);
}

int triage_run(const struct vmcore *vc, struct triage *t, struct err *e)
{
	struct kallsyms ks;
	struct err kerr;

	memset(t, 0, sizeof(*t));
	if (!vc->vmcoreinfo && !vc->nnotes)
		return err_ret(e, EXIT_DAMAGED, "neither VMCOREINFO nor CPU notes: nothing to read");
	if (vmcoreinfo_get(vc, "OSRELEASE", t->release, sizeof(t->release)) < 0)
		t->release[0] = '\0';
	if (vmcoreinfo_get(vc, "BUILD-ID", t->build_id, sizeof(t->build_id)) < 0)
		t->build_id[0] = '\0';
	read_log(vc, t);
	t->have_kallsyms = kallsyms_open(&ks, vc, &kerr) == 0;
	if (!t->have_kallsyms)
		snprintf(t->kallsyms_why, sizeof(t->kallsyms_why), "%.250s", kerr.msg);
	cpus(vc, t, t->have_kallsyms ? &ks : NULL);
	if (t->have_kallsyms)
		kallsyms_close(&ks);
	return 0;
}

const struct triage_cpu *triage_crashed_cpu(const struct triage *t)
{
	for (size_t i = 0; i < t->ncpus; i++)
		if (t->cpus[i].crashed)
			return &t->cpus[i];
	return t->ncpus ? &t->cpus[0] : NULL;
}

void triage_summary(const struct vmcore *vc, char *panic, size_t plen, char *where,
		    size_t wlen)
{
	struct triage *t = xmalloc(sizeof(*t));
	const struct triage_cpu *c;
	struct err e;
	size_t n = 0;

	where[0] = '\0';
	/* An oops that went straight to the capture kernel (kdump loaded)
	 * prints no panic: the log's last oops or BUG line, then. */
	if (printk_find_panic(vc, panic, plen, &e) != 1)
		snprintf(panic, plen, "(no panic message found)");
	if (triage_run(vc, t, &e) == 0 && t->have_report) {
		snprintf(panic, plen, "%s", t->panic[0] ? t->panic : t->report);
		c = triage_crashed_cpu(t);
		if (c && c->pc_sym[0])
			n += (size_t)snprintf(where, wlen, "%s on CPU %u", c->pc_sym, c->index);
		if (t->have_task && n < wlen)
			n += (size_t)snprintf(where + n, wlen - n, "%s(PID %ld %s)", n ? " " : "",
					      t->log_pid, t->comm);
		if (n < wlen)
			snprintf(where + n, wlen - n, "%ssignature %s", n ? ", " : "", t->signature);
	}
	free(t);
}

void triage_info_json(struct json *j, const struct vmcore *vc)
{
	struct triage *t = xmalloc(sizeof(*t));
	const struct triage_cpu *c = NULL;
	struct err e;
	int ok = triage_run(vc, t, &e) == 0 && t->have_report;

	if (ok)
		c = triage_crashed_cpu(t);
	json_object(j, "triage");
	json_str(j, "kind", ok ? t->kind : NULL);
	json_str(j, "report", ok ? t->report : NULL);
	json_str(j, "panic", ok && t->panic[0] ? t->panic : NULL);
	json_str(j, "pc_symbol", c && c->pc_sym[0] ? c->pc_sym : NULL);
	json_str(j, "signature", ok ? t->signature : NULL);
	json_end(j);
	free(t);
}

/* ---- output ------------------------------------------------------------ */

void triage_print(FILE *out, const struct triage *t)
{
	fprintf(out, "Kernel:          %s%s%s\n", t->release[0] ? t->release : "unknown",
		t->build_id[0] ? ", build ID " : "", t->build_id);
	if (!t->have_log)
		fprintf(out, "Log:             unreadable (%s)\n", t->log_why);
	else if (!t->have_report)
		fprintf(out, "Crash:           no crash report in the log\n");
	if (t->have_report) {
		fprintf(out, "Crash:           %s\n", t->kind);
		fprintf(out, "Report:          %s\n", t->report);
		if (t->panic[0] && strcmp(t->panic, t->report) != 0)
			fprintf(out, "Panic:           %s\n", t->panic);
		fprintf(out, "Uptime:          %" PRIu64 ".%03" PRIu64 " s\n",
			(uint64_t)(t->uptime_ns / 1000000000u), (uint64_t)(t->uptime_ns / 1000000u % 1000));
	}
	if (t->have_task)
		fprintf(out, "Task:            CPU %ld, PID %ld (%s)\n", t->log_cpu, t->log_pid, t->comm);
	if (t->have_task)
		fprintf(out, "Taint:           %s\n", t->taint[0] ? t->taint_text : "none");
	for (size_t i = 0; i < t->ncpus; i++) {
		const struct triage_cpu *c = &t->cpus[i];

		fprintf(out, "CPU %-3u PID %-6" PRId64 " %s 0x%016" PRIx64 " %s%s\n", c->index,
			c->pid, c->pc_name, c->pc, c->pc_sym[0] ? c->pc_sym : "? (not kernel text)",
			c->crashed ? "  <- crashed" : "");
		if (c->ra_name)
			fprintf(out, "                   %-8s 0x%016" PRIx64 " %s\n", c->ra_name, c->ra,
				c->ra_sym[0] ? c->ra_sym : "? (not kernel text)");
	}
	if (!t->have_kallsyms)
		fprintf(out, "Symbols:         none (%s)\n", t->kallsyms_why);
	if (t->nframes) {
		fprintf(out, "Trace:           (as the kernel printed it)\n");
		for (size_t i = 0; i < t->nframes; i++)
			fprintf(out, "  %s%s%s%s\n", t->frames[i].unreliable ? "? " : "",
				t->frames[i].name, t->frames[i].module[0] ? " " : "", t->frames[i].module);
	}
	if (t->have_report)
		fprintf(out, "Signature:       %s (the report and %zu frames: docs/TRIAGE.md)\n",
			t->signature, t->sig_frames);
}

void triage_json(FILE *out, const struct triage *t, const char *path)
{
	struct json j;

	json_init(&j, out);
	json_object(&j, NULL);
	json_str(&j, "file", path);
	json_str(&j, "kernel_release", t->release[0] ? t->release : NULL);
	json_str(&j, "build_id", t->build_id[0] ? t->build_id : NULL);
	json_str(&j, "log_error", t->have_log ? NULL : t->log_why);
	json_str(&j, "kind", t->have_report ? t->kind : NULL);
	json_str(&j, "report", t->have_report ? t->report : NULL);
	json_str(&j, "panic", t->panic[0] ? t->panic : NULL);
	if (t->have_report)
		json_u64(&j, "uptime_ns", t->uptime_ns);
	else
		json_null(&j, "uptime_ns");
	if (t->have_task) {
		json_object(&j, "task");
		json_i64(&j, "cpu", t->log_cpu);
		json_i64(&j, "pid", t->log_pid);
		json_str(&j, "comm", t->comm);
		json_end(&j);
	} else {
		json_null(&j, "task");
	}
	json_str(&j, "taint", t->have_task ? t->taint : NULL);
	json_str(&j, "taint_decoded", t->have_task && t->taint[0] ? t->taint_text : NULL);
	json_array(&j, "cpus");
	for (size_t i = 0; i < t->ncpus; i++) {
		const struct triage_cpu *c = &t->cpus[i];
		char hex[24];

		json_object(&j, NULL);
		json_u64(&j, "cpu", c->index);
		json_i64(&j, "pid", c->pid);
		json_bool(&j, "crashed", c->crashed);
		/* Addresses as hex strings: a JSON number past 2^53 is a
		 * double to most readers (jq). */
		snprintf(hex, sizeof(hex), "0x%016" PRIx64, c->pc);
		json_str(&j, "pc", hex);
		json_str(&j, "pc_symbol", c->pc_sym[0] ? c->pc_sym : NULL);
		if (c->ra_name) {
			snprintf(hex, sizeof(hex), "0x%016" PRIx64, c->ra);
			json_str(&j, "return_address", hex);
			json_str(&j, "return_symbol", c->ra_sym[0] ? c->ra_sym : NULL);
		}
		json_end(&j);
	}
	json_end(&j);
	json_str(&j, "symbols_error", t->have_kallsyms ? NULL : t->kallsyms_why);
	json_array(&j, "trace");
	for (size_t i = 0; i < t->nframes; i++) {
		json_object(&j, NULL);
		json_str(&j, "function", t->frames[i].name);
		json_str(&j, "module", t->frames[i].module[0] ? t->frames[i].module : NULL);
		json_bool(&j, "unreliable", t->frames[i].unreliable);
		json_end(&j);
	}
	json_end(&j);
	json_str(&j, "signature", t->have_report ? t->signature : NULL);
	json_str(&j, "signature_text", t->have_report ? t->sig_text : NULL);
	json_finish(&j);
}
