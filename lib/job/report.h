/* The reports vmcore-inspect prints about an open dump, as text or as
 * JSON (docs/JSON.md): the same words from every caller. */
#ifndef DUMPBOX_REPORT_H
#define DUMPBOX_REPORT_H

#include <stdint.h>
#include <stdio.h>

struct vmcore;

/* info: format, architecture, kernel, crash time, CPUs, memory ranges,
 * completeness. path and file_size describe the file vc was opened
 * from. Returns the status info exits with: EXIT_OK, EXIT_DAMAGED (cut
 * short) or EXIT_INCOMPLETE (its writer said so). */
int report_info(FILE *out, const char *path, uint64_t file_size, const struct vmcore *vc,
		int json);
/* notes: every ELF note, with the registers decoded where the layout is
 * known. */
void report_notes(FILE *out, const char *path, const struct vmcore *vc, int json);

#endif
