/* Reading the crash out of the kernel log: where the report of what went
 * wrong begins, the lines an operator (and a triage) reads first. */
#ifndef DUMPBOX_CRASHLOG_H
#define DUMPBOX_CRASHLOG_H

/* The index of the line that starts the crash report among the n lines
 * of a log (oldest first): the last "Kernel panic - not syncing", or the
 * first report before it that led there ("BUG:", "Oops:", a sysrq
 * crash, ...; up to 80 lines back, as far as an oops block reaches, and
 * after any earlier panic).
 * n: no panic in the log. */
unsigned crashlog_report_start(const char *const *line, unsigned n);

#endif
