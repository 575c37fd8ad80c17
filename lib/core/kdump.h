/* The kdump-compressed reader (the format: core/kdumpfmt.h). */
#ifndef DUMPBOX_KDUMP_H
#define DUMPBOX_KDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "core/kdumpfmt.h"

/* ---- the reader ----------------------------------------------------------
 *
 * Opens a kdump-compressed file through a window (lib/base/window.h) and reads
 * its pages by pfn. Everything the file says is bounded before use: sizes
 * against the file, offsets against overflow, the bitmaps against
 * KDUMP_MAX_BITMAP. Both bitmaps are held in memory (1 bit per pfn); a
 * rank index (a count every KDUMP_RANK_BITS bits of the 2nd bitmap) finds
 * a pfn's descriptor without scanning. Reads go through a descriptor
 * cache, a read-ahead buffer of page data and a one-page cache, behind a
 * mutex: one reader may be shared by threads. */

struct window;

#define KDUMP_MAX_BITMAP	(1ull << 30)	/* bytes of one bitmap: 32 TiB of 4 KiB pages */
#define KDUMP_RANK_BITS		4096

struct kdump {
	const struct window *win;
	struct kdump_header h;
	uint32_t page_size;		/* block_size */
	uint64_t max_mapnr;		/* pfns the bitmaps describe */
	uint64_t pfn_start, pfn_end;	/* the pfns this file holds (a --split file: part) */
	uint64_t bitmap_len;		/* bytes of one bitmap */
	unsigned char *bitmap1;		/* page is RAM */
	unsigned char *bitmap2;		/* page is dumped (cut to [pfn_start, pfn_end)) */
	uint64_t *rank;			/* rank[i]: set bits of bitmap2 before bit i * KDUMP_RANK_BITS */
	uint64_t pages_ram, pages_dumped;
	uint64_t dumped_not_ram;	/* dumped pages the 1st bitmap lacked (added) */
	uint64_t off_bitmap, off_desc;	/* file offsets */
	uint64_t desc_end;		/* off_desc + pages_dumped descriptors */
	uint64_t expected_size;		/* the size the file should have: headers,
					 * descriptors, and the last page's data */
	int incomplete;			/* KDUMP_STATUS_INCOMPLETE */
	void *priv;			/* the caches and their lock */
	struct err err;			/* why the last read failed (EIO, ENOTSUP) */
};

/* Open the kdump-compressed file in w. 0, EXIT_NOT_OURS (no "KDUMP   "
 * signature) or EXIT_DAMAGED, with err saying why. */
int kdump_open(struct kdump *kd, const struct window *w, struct err *err);
void kdump_close(struct kdump *kd);

static inline int kdump_bit(const unsigned char *bitmap, uint64_t pfn)
{
	return bitmap[pfn >> 3] >> (pfn & 7) & 1;
}

/* Is pfn RAM (1st bitmap) / in the dump (2nd bitmap)? */
int kdump_is_ram(const struct kdump *kd, uint64_t pfn);
int kdump_is_dumped(const struct kdump *kd, uint64_t pfn);

/* The descriptor of a dumped pfn: 0, or -1 with errno ERANGE (not in the
 * dump, or missing from an INCOMPLETE dump) or EIO (truncated file or a
 * descriptor no writer makes; kd->err says why). Checks everything but
 * the data's contents. */
int kdump_page_desc(struct kdump *kd, uint64_t pfn, struct kdump_page_desc *d);

/* Read page pfn (page_size bytes) into buf, decompressed. 0, or -1 with
 * errno ERANGE (not in the dump), EIO (truncated, damaged, does not
 * decompress), ENOTSUP (a codec this build lacks) or a read error;
 * kd->err says why, and for ERANGE is "" unless the page is missing from
 * an INCOMPLETE dump. */
int kdump_read_page(struct kdump *kd, uint64_t pfn, void *buf);
/* len bytes at physical address paddr, page by page, as kdump_read_page. */
int kdump_read(struct kdump *kd, uint64_t paddr, void *buf, size_t len);

/* The next dumped pfn at or after pfn, or UINT64_MAX. */
uint64_t kdump_next_dumped(const struct kdump *kd, uint64_t pfn);
/* The end of the run of pfns with the same 1st (ram) or 2nd bitmap bit as
 * pfn, from pfn on. */
uint64_t kdump_run_end(const struct kdump *kd, uint64_t pfn, int ram);

/* The codec the header's status names: "none", "zlib", ...; "unknown"
 * for bits that name no codec or several. */
const char *kdump_compression(const struct kdump *kd);

#endif
