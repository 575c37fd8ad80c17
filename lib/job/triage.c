/* Triage from the dump alone (job/triage.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dumpbox.h"
#include "base/json.h"
#include "core/crashreport.h"
#include "core/kallsyms.h"
#include "core/notes.h"
#include "core/printk.h"
#include "core/vaddr.h"
#include "core/vmcore.h"
#include "job/triage.h"

#define LOG_LINES	1000
#define LOG_BYTES	(512u << 10)

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
		const struct note_field *pc, *ra, *sp;
		struct triage_cpu *c;
		uint64_t v[2];

		if (n->type != 1 || strcmp(n->name, "CORE") != 0 || !(l = notes_layout(vc, n)))
			continue;
		pc = field(l, s390 ? "psw_addr" : "rip");
		ra = s390 ? field(l, "r14") : NULL;
		sp = field(l, s390 ? "r15" : "rsp");
		if (!pc || !sp)
			continue;
		c = &t->cpus[t->ncpus];
		c->index = (unsigned)t->ncpus++;
		c->pid = notes_pid(vc, n);
		c->crashed = t->log.have_task && c->pid == t->log.log_pid;
		c->pc_name = pc->name;
		notes_field(vc, n, pc, v);
		c->pc = v[1];
		symbolize(ks, c->pc, c->pc_sym, sizeof(c->pc_sym));
		c->sp_name = sp->name;
		notes_field(vc, n, sp, v);
		c->sp = v[1];
		if (ra) {
			c->ra_name = ra->name;
			notes_field(vc, n, ra, v);
			c->ra = v[1];
			symbolize(ks, c->ra, c->ra_sym, sizeof(c->ra_sym));
		}
	}
}

/* From the stack pointer to the top of its THREAD_SIZE-aligned stack,
 * every aligned word that is a kernel text address. Without unwinding
 * information this cannot tell a return address from a stale one. */
static void scan_stack(const struct vmcore *vc, struct triage *t, const struct kallsyms *ks)
{
	const struct triage_cpu *c = triage_crashed_cpu(t);
	unsigned char *buf;
	uint64_t top;
	size_t len;

	if (!c || !ks) {
		snprintf(t->stack_why, sizeof(t->stack_why), "%s",
			 !c ? "no CPU notes" : "no kernel symbols");
		return;
	}
	top = (c->sp & ~(uint64_t)(TRIAGE_THREAD_SIZE - 1)) + TRIAGE_THREAD_SIZE;
	len = (size_t)(top - (c->sp & ~7ull));
	buf = xmalloc(len);
	if (vmcore_read_virt(vc, c->sp & ~7ull, buf, len) < 0) {
		snprintf(t->stack_why, sizeof(t->stack_why), "the stack at 0x%" PRIx64
			 " is not in the dump", c->sp);
		free(buf);
		return;
	}
	for (size_t o = 0; o + 8 <= len && t->nstack < TRIAGE_MAX_STACK; o += 8) {
		struct triage_slot *s = &t->stack[t->nstack];

		s->addr = vmcore_u64(vc, buf + o);
		s->at = (c->sp & ~7ull) + o;
		symbolize(ks, s->addr, s->sym, sizeof(s->sym));
		if (s->sym[0])
			t->nstack++;
	}
	free(buf);
}

/* ---- the whole --------------------------------------------------------- */

static void read_log(const struct vmcore *vc, struct triage *t)
{
	struct err err = { 0 };
	size_t len = 0;
	char *text = printk_log_text(vc, LOG_LINES, LOG_BYTES, &len, &err);

	t->have_log = text && len;
	if (t->have_log)
		crash_report_text(&t->log, text, len);
	else
		snprintf(t->log_why, sizeof(t->log_why), "%.250s",
			 err.msg[0] ? err.msg : "the log is empty");
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
	scan_stack(vc, t, t->have_kallsyms ? &ks : NULL);
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
	if (triage_run(vc, t, &e) < 0 || !t->log.have_report) {
		/* An oops that went straight to the capture kernel (kdump
		 * loaded) prints no panic: the log's last oops or BUG line. */
		if (printk_find_panic(vc, panic, plen, &e) != 1)
			snprintf(panic, plen, "(no panic message found)");
	} else {
		snprintf(panic, plen, "%s", t->log.panic[0] ? t->log.panic : t->log.report);
		c = triage_crashed_cpu(t);
		if (c && c->pc_sym[0])
			n += (size_t)snprintf(where, wlen, "%s on CPU %u", c->pc_sym, c->index);
		if (t->log.have_task && n < wlen)
			n += (size_t)snprintf(where + n, wlen - n, "%s(PID %ld %s)", n ? " " : "",
					      t->log.log_pid, t->log.comm);
		if (n < wlen)
			snprintf(where + n, wlen - n, "%ssignature %s", n ? ", " : "", t->log.signature);
	}
	free(t);
}

void triage_info_json(struct json *j, const struct vmcore *vc)
{
	struct triage *t = xmalloc(sizeof(*t));
	const struct triage_cpu *c = NULL;
	struct err e;
	int ok = triage_run(vc, t, &e) == 0 && t->log.have_report;

	if (ok)
		c = triage_crashed_cpu(t);
	json_object(j, "triage");
	json_str(j, "kind", ok ? t->log.kind : NULL);
	json_str(j, "report", ok ? t->log.report : NULL);
	json_str(j, "panic", ok && t->log.panic[0] ? t->log.panic : NULL);
	json_str(j, "pc_symbol", c && c->pc_sym[0] ? c->pc_sym : NULL);
	json_str(j, "signature", ok ? t->log.signature : NULL);
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
	else if (!t->log.have_report)
		fprintf(out, "Crash:           no crash report in the log\n");
	if (t->log.have_report) {
		fprintf(out, "Crash:           %s\n", t->log.kind);
		fprintf(out, "Report:          %s\n", t->log.report);
		if (t->log.panic[0] && strcmp(t->log.panic, t->log.report) != 0)
			fprintf(out, "Panic:           %s\n", t->log.panic);
		fprintf(out, "Uptime:          %" PRIu64 ".%03" PRIu64 " s\n",
			(uint64_t)(t->log.uptime_ns / 1000000000u), (uint64_t)(t->log.uptime_ns / 1000000u % 1000));
	}
	if (t->log.have_task)
		fprintf(out, "Task:            CPU %ld, PID %ld (%s)\n", t->log.log_cpu, t->log.log_pid, t->log.comm);
	if (t->log.have_task)
		fprintf(out, "Taint:           %s\n", t->log.taint[0] ? t->log.taint_text : "none");
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
	if (t->nstack) {
		const struct triage_cpu *c = triage_crashed_cpu(t);

		fprintf(out, "Stack:           text addresses from %s 0x%016" PRIx64 " up (? : not "
			"unwound, maybe stale)\n", c->sp_name, c->sp);
		for (size_t i = 0; i < t->nstack; i++)
			fprintf(out, "  [%016" PRIx64 "] ? %s\n", t->stack[i].at, t->stack[i].sym);
	} else if (t->stack_why[0]) {
		fprintf(out, "Stack:           not scanned (%s)\n", t->stack_why);
	}
	if (t->log.nframes) {
		fprintf(out, "Trace:           (as the kernel printed it)\n");
		for (size_t i = 0; i < t->log.nframes; i++)
			fprintf(out, "  %s%s%s%s\n", t->log.frames[i].unreliable ? "? " : "",
				t->log.frames[i].name, t->log.frames[i].module[0] ? " " : "", t->log.frames[i].module);
	}
	if (t->log.have_report)
		fprintf(out, "Signature:       %s (the report and %zu frames: docs/TRIAGE.md)\n",
			t->log.signature, t->log.sig_frames);
}

/* An address as a hex string: a JSON number past 2^53 is a double to
 * most readers (jq). */
static void json_addr(struct json *j, const char *key, uint64_t v)
{
	char hex[24];

	snprintf(hex, sizeof(hex), "0x%016" PRIx64, v);
	json_str(j, key, hex);
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
	json_str(&j, "kind", t->log.have_report ? t->log.kind : NULL);
	json_str(&j, "report", t->log.have_report ? t->log.report : NULL);
	json_str(&j, "panic", t->log.panic[0] ? t->log.panic : NULL);
	if (t->log.have_report)
		json_u64(&j, "uptime_ns", t->log.uptime_ns);
	else
		json_null(&j, "uptime_ns");
	if (t->log.have_task) {
		json_object(&j, "task");
		json_i64(&j, "cpu", t->log.log_cpu);
		json_i64(&j, "pid", t->log.log_pid);
		json_str(&j, "comm", t->log.comm);
		json_end(&j);
	} else {
		json_null(&j, "task");
	}
	json_str(&j, "taint", t->log.have_task ? t->log.taint : NULL);
	json_str(&j, "taint_decoded", t->log.have_task && t->log.taint[0] ? t->log.taint_text : NULL);
	json_array(&j, "cpus");
	for (size_t i = 0; i < t->ncpus; i++) {
		const struct triage_cpu *c = &t->cpus[i];

		json_object(&j, NULL);
		json_u64(&j, "cpu", c->index);
		json_i64(&j, "pid", c->pid);
		json_bool(&j, "crashed", c->crashed);
		json_addr(&j, "sp", c->sp);
		json_addr(&j, "pc", c->pc);
		json_str(&j, "pc_symbol", c->pc_sym[0] ? c->pc_sym : NULL);
		if (c->ra_name) {
			json_addr(&j, "return_address", c->ra);
			json_str(&j, "return_symbol", c->ra_sym[0] ? c->ra_sym : NULL);
		}
		json_end(&j);
	}
	json_end(&j);
	json_str(&j, "symbols_error", t->have_kallsyms ? NULL : t->kallsyms_why);
	json_array(&j, "stack");
	for (size_t i = 0; i < t->nstack; i++) {
		json_object(&j, NULL);
		json_addr(&j, "at", t->stack[i].at);
		json_addr(&j, "address", t->stack[i].addr);
		json_str(&j, "symbol", t->stack[i].sym);
		json_end(&j);
	}
	json_end(&j);
	json_str(&j, "stack_error", t->nstack || !t->stack_why[0] ? NULL : t->stack_why);
	json_array(&j, "trace");
	for (size_t i = 0; i < t->log.nframes; i++) {
		json_object(&j, NULL);
		json_str(&j, "function", t->log.frames[i].name);
		json_str(&j, "module", t->log.frames[i].module[0] ? t->log.frames[i].module : NULL);
		json_bool(&j, "unreliable", t->log.frames[i].unreliable);
		json_end(&j);
	}
	json_end(&j);
	json_str(&j, "signature", t->log.have_report ? t->log.signature : NULL);
	json_str(&j, "signature_text", t->log.have_report ? t->log.sig_text : NULL);
	json_finish(&j);
}
