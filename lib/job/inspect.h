/* What vmcore-inspect asks of an open vmcore beyond what the reader gives:
 * the kernel's utsname, totals, whether an address range is readable, and
 * a structural check. The fuzzers call these too, so they bound every
 * value they read from the dump. */
#ifndef DUMPBOX_INSPECT_H
#define DUMPBOX_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#include "write/pagefilter.h"

struct vmcore;

/* struct new_utsname: 6 fields of 65 bytes. */
#define UTS_FIELD_LEN 65
struct inspect_uts {
	char sysname[UTS_FIELD_LEN + 1];
	char nodename[UTS_FIELD_LEN + 1];
	char release[UTS_FIELD_LEN + 1];
	char version[UTS_FIELD_LEN + 1];
	char machine[UTS_FIELD_LEN + 1];
	char domainname[UTS_FIELD_LEN + 1];
	/* How the structure was found: "OFFSET(uts_namespace.name)", or
	 * for kernels before 5.11, which do not export that offset, the
	 * layout that was tried and checked against OSRELEASE. */
	const char *how;
};

/* Read init_uts_ns.name. 0, or -1 with why set to a reason to print
 * after "unknown". */
int inspect_uts(const struct vmcore *vc, struct inspect_uts *uts, const char **why);

/* The sum of the PT_LOADs' p_filesz. */
uint64_t inspect_dumped_bytes(const struct vmcore *vc);

/* Is every byte of [addr, addr + len) (physical, or virtual when virt)
 * in the dump and in the file? 0 when it is; else -1 with *gap the first
 * byte that is not and errno ERANGE (no PT_LOAD covers it) or EIO (its
 * segment is cut off by the end of a truncated file). */
int inspect_covered(const struct vmcore *vc, uint64_t addr, uint64_t len, int virt,
		    uint64_t *gap);

/* The structural check: each finding goes to report (one line's worth);
 * damage findings make the dump damaged, warnings do not. Returns the
 * number of damage findings. vc must have opened (vmcore_open() == 0). */
enum inspect_severity { INSPECT_DAMAGE, INSPECT_WARNING };
typedef void (*inspect_report_fn)(void *arg, enum inspect_severity sev,
				  const char *where, uint64_t offset, const char *msg);
#define INSPECT_NO_OFFSET UINT64_MAX
size_t inspect_verify(const struct vmcore *vc, inspect_report_fn report, void *arg);

/* What a dump at a dump level would leave out (vmcore-inspect pages): the
 * page filter's classes (pf, its warning says what it could not apply),
 * and the zero pages among those it keeps, read from the dump (a page
 * that cannot be read is not a zero page). Pages are the PT_LOADs' pfns,
 * a partial page counted whole. 0, or -1 when the struct pages cannot be
 * read (as pagefilter_build); pagefilter_free(&r->pf) either way. */
struct inspect_pages {
	struct pagefilter pf;
	uint64_t total;		/* pages the dump holds */
	uint64_t zero;		/* zero pages kept by the classes (0 without DL_ZERO) */
	uint64_t excluded;	/* every class and the zero pages */
};
int inspect_pages(const struct vmcore *vc, unsigned level, struct inspect_pages *r);

#endif
