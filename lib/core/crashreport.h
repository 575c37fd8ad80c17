/* The crash report in a kernel log, read as an operator reads it: what
 * kind of crash, the task and its taint, the call trace as the kernel
 * printed it, and a signature that is the same for the same bug on other
 * machines and boots and differs for another (docs/TRIAGE.md says how it
 * is normalized). Text only: from a vmcore's log (job/triage) or the log
 * a dump disk keeps (diskprep info). */
#ifndef DUMPBOX_CRASHREPORT_H
#define DUMPBOX_CRASHREPORT_H

#include <stddef.h>
#include <stdint.h>

#define CRASH_MAX_FRAMES	32
#define CRASH_SIG_FRAMES	5

struct crash_frame {
	char name[128];		/* function, as the trace printed it */
	char module[64];	/* "[ext4]" of a module's, else "" */
	int unreliable;		/* printed with "? " */
};

struct crash_report {
	int have_report;
	char kind[40];		/* "panic", "oops", "BUG", "WARNING", ... */
	char report[256];	/* its first line, without the time stamp */
	char panic[256];	/* the "Kernel panic - not syncing" line, or "" */
	uint64_t uptime_ns;	/* the time stamp of the report's first line */
	int have_task;
	long log_cpu;
	long log_pid;
	char comm[32];
	char taint[32];		/* the flags as printed, "" when not tainted */
	char taint_text[512];	/* the flags decoded, "; " between them */
	struct crash_frame frames[CRASH_MAX_FRAMES];
	size_t nframes;
	char signature[17];	/* a hash of sig_text */
	char sig_text[1024];
	size_t sig_frames;
};

/* From the lines of a log (oldest first, with their "[ s.us] " stamps):
 * the report (have_report 0: none), the task, the taint, the trace, the
 * signature. r must be zeroed. */
void crash_report_read(struct crash_report *r, const char *const *lines, unsigned n);

/* The same from a log as text (len bytes, lines ending in '\n', which
 * need not be NUL-terminated): the dump's log, or the one a dump disk
 * keeps. */
void crash_report_text(struct crash_report *r, const char *text, size_t len);

/* A report line normalized for the signature, into out. */
void crash_normalize(const char *line, char *out, size_t len);

#endif
