/* Page filtering by dump level, as makedumpfile's -d: which pages of the
 * crashed machine a dump may leave out, found by walking its struct page
 * array as VMCOREINFO describes it. Everything comes from the crashed
 * kernel's VMCOREINFO (sizes, offsets, flag numbers), never from tables
 * of our own, so a new kernel release either works or says why not. */
#ifndef DUMPBOX_PAGEFILTER_H
#define DUMPBOX_PAGEFILTER_H

#include <stdint.h>

struct vmcore;

/* The dump level bits (makedumpfile -d). */
#define DL_ZERO		1u	/* pages of zeros (needs the page contents) */
#define DL_CACHE	2u	/* page cache without private data */
#define DL_CACHE_PRIVATE 4u	/* page cache with private data */
#define DL_USER		8u	/* user process memory (anonymous) */
#define DL_FREE		16u	/* free pages (buddy allocator) */
#define DL_MAX		31u

struct pagefilter {
	uint64_t max_pfn;	/* pfns >= max_pfn are not described */
	uint64_t *excluded;	/* bit per pfn: 1 = leave out (not zero pages) */
	unsigned level;		/* the bits asked for */
	unsigned applied;	/* the bits that could be applied (DL_ZERO always) */
	uint64_t pages_cache, pages_cache_private, pages_user, pages_free;
	char warning[512];	/* why some bits could not be applied, or "" */
	/* Excluded at every level, as makedumpfile does, whenever the
	 * struct pages can be read: pages the kernel marked hardware-
	 * poisoned (reading one can stop the capture kernel) and pages it
	 * took offline (given back to a hypervisor). */
	uint64_t pages_hwpoison, pages_offline;
	int walked;		/* the struct pages were read: the two counts above mean something */
	uint64_t page_size;	/* the unit of a pfn: VMCOREINFO PAGESIZE, else 4096 */
	uint64_t unreadable;	/* pages kept because their struct page could not be read */
};

/* Classify every page the struct page array describes. Returns 0 (some
 * bits may still be missing from pf->applied, pf->warning says why:
 * no VMCOREINFO, an unknown memory model), or -1 when the crashed
 * kernel's own data cannot be read (pf->warning says why; nothing is
 * excluded). Never fails the dump: a caller keeps every page it is not
 * told to exclude. */
int pagefilter_build(const struct vmcore *vc, unsigned level, struct pagefilter *pf);
void pagefilter_free(struct pagefilter *pf);

static inline int pagefilter_excluded(const struct pagefilter *pf, uint64_t pfn)
{
	return pf && pf->excluded && pfn < pf->max_pfn &&
	       (pf->excluded[pfn / 64] >> (pfn % 64) & 1);
}

#endif
