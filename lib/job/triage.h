/* Triage from the dump alone: what crashed, where, and a signature that
 * is the same for the same bug on other machines and boots. From the
 * kernel log (the crash report: core/crashreport.h), the CPU notes,
 * VMCOREINFO and the kernel's own symbol table (core/kallsyms.h); no
 * vmlinux. */
#ifndef DUMPBOX_TRIAGE_H
#define DUMPBOX_TRIAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "core/crashreport.h"

struct vmcore;

#define TRIAGE_MAX_CPUS		64
#define TRIAGE_MAX_STACK	64
/* The kernel stack of x86_64 and s390x (THREAD_SIZE, without KASAN). */
#define TRIAGE_THREAD_SIZE	16384u

struct triage_cpu {
	unsigned index;		/* its NT_PRSTATUS note's place: the CPU */
	int64_t pid;
	int crashed;		/* the PID the report names */
	const char *pc_name;	/* "rip", "psw_addr" */
	uint64_t pc;
	char pc_sym[192];	/* "func+0x16/0x20", or "" (a module, or no text) */
	const char *ra_name;	/* s390x "r14", or NULL */
	uint64_t ra;
	char ra_sym[192];
	const char *sp_name;	/* "rsp", "r15" */
	uint64_t sp;
};

/* A word on the crashed task's stack that is a kernel text address: a
 * return address, or a stale one (the kernel prints such with "?"). */
struct triage_slot {
	uint64_t at;		/* where on the stack */
	uint64_t addr;
	char sym[192];
};

struct triage {
	char release[65], build_id[48];
	int have_log;
	char log_why[256];
	struct crash_report log;	/* the crash report in the log */
	/* The CPUs and their registers, symbolized. */
	struct triage_cpu cpus[TRIAGE_MAX_CPUS];
	size_t ncpus;
	int have_kallsyms;
	char kallsyms_why[256];
	/* The crashed CPU's stack, from its stack pointer to the top. */
	struct triage_slot stack[TRIAGE_MAX_STACK];
	size_t nstack;
	char stack_why[128];	/* why it could not be scanned, or "" */
};

/* Read what the dump tells. 0 (some parts may be missing: their why is
 * set), or -1 with e when there is nothing to read at all. */
int triage_run(const struct vmcore *vc, struct triage *t, struct err *e);

/* For a screen's header: the panic line (else the report's first line,
 * else "(no panic message found)"), and where: "func+0x1/0x2 on CPU N
 * (PID P comm), signature S" as far as known, or "". */
void triage_summary(const struct vmcore *vc, char *panic, size_t plen, char *where,
		    size_t wlen);

/* The crashed CPU (the report's PID), else the first; NULL: none. */
const struct triage_cpu *triage_crashed_cpu(const struct triage *t);

/* "triage": { kind, report, panic, pc_symbol, signature } (nulls when
 * unknown) into an open JSON object: the dump directory's info.json. */
struct json;
void triage_info_json(struct json *j, const struct vmcore *vc);

void triage_print(FILE *out, const struct triage *t);
void triage_json(FILE *out, const struct triage *t, const char *path);

#endif
