/* The crash report in a kernel log (core/crashreport.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dumpbox.h"
#include "core/crashlog.h"
#include "core/crashreport.h"

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
static void decode_taint(struct crash_report *t)
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
static void parse_task(struct crash_report *t, const char *s)
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
static int parse_frame(const char *s, struct crash_frame *f)
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
static void parse_trace(struct crash_report *t, const char *const *lines, unsigned from, unsigned n)
{
	unsigned i = from;

	for (; i < n; i++)
		if (strstr(unstamped(lines[i], NULL), "Call Trace:"))
			break;
	for (i++; i < n && t->nframes < CRASH_MAX_FRAMES; i++) {
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

void crash_normalize(const char *s, char *out, size_t len)
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

static void sign(struct crash_report *t)
{
	char msg[256];
	size_t n;

	crash_normalize(t->report, msg, sizeof(msg));
	n = (size_t)snprintf(t->sig_text, sizeof(t->sig_text), "%s", msg);
	if (t->panic[0] && strcmp(t->panic, t->report) != 0) {
		crash_normalize(t->panic, msg, sizeof(msg));
		n += (size_t)snprintf(t->sig_text + n, sizeof(t->sig_text) - n, "\n%s", msg);
	}
	t->sig_frames = 0;
	for (size_t i = 0; i < t->nframes && t->sig_frames < CRASH_SIG_FRAMES; i++) {
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

void crash_report_read(struct crash_report *t, const char *const *lines, unsigned n)
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

void crash_report_text(struct crash_report *r, const char *text, size_t len)
{
	char *copy = xmalloc(len + 1);
	const char **lines;
	size_t nl = 0, cap = 64;

	memcpy(copy, text, len);
	copy[len] = '\0';
	lines = xmalloc(cap * sizeof(*lines));
	for (char *p = copy, *end = copy + len; p < end;) {
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
	crash_report_read(r, lines, (unsigned)nl);
	free(lines);
	free(copy);
}
