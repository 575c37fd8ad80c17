/* makedumpfile's kdump-compressed format ("KDUMP   ", header version 6),
 * as makedumpfile, crash and libkdumpfile read it. Blocks are
 * block_size bytes (the page size):
 *
 *   block 0                 disk_dump_header
 *   block 1 ..              kdump_sub_header, then the ELF notes and the
 *                           VMCOREINFO text (offsets in the sub header)
 *   1 + sub_hdr_size ..     1st bitmap (page exists), 2nd bitmap (page
 *                           dumped), bitmap_blocks / 2 blocks each; bit
 *                           pfn & 7 of byte pfn >> 3
 *   then                    one page_desc per dumped page, in pfn order:
 *                           the n-th set bit of the 2nd bitmap has the
 *                           n-th descriptor
 *   then                    page data, where each descriptor says
 *
 * Integers are in the dumped machine's byte order. Field offsets are for
 * LP64 (x86_64, s390x): the only machines we dump. */
#ifndef DUMPBOX_KDUMP_H
#define DUMPBOX_KDUMP_H

#include <stddef.h>
#include <stdint.h>

#define KDUMP_SIGNATURE		"KDUMP   "	/* 8 bytes, no NUL */
#define KDUMP_HEADER_VERSION	6

/* disk_dump_header.status */
#define KDUMP_STATUS_ZLIB	0x01
#define KDUMP_STATUS_LZO	0x02
#define KDUMP_STATUS_SNAPPY	0x04
#define KDUMP_STATUS_INCOMPLETE	0x08	/* cut off: the pages it has are valid */
#define KDUMP_STATUS_EXCLUDED_VMEMMAP 0x10
#define KDUMP_STATUS_ZSTD	0x20

/* page_desc.flags: the codec of that page (none: stored as it is) */
#define KDUMP_PAGE_ZLIB		0x01
#define KDUMP_PAGE_LZO		0x02
#define KDUMP_PAGE_SNAPPY	0x04
#define KDUMP_PAGE_ZSTD		0x20

#define KDUMP_HEADER_SIZE	464	/* disk_dump_header on LP64 */
#define KDUMP_SUBHEADER_SIZE	104	/* kdump_sub_header */
#define KDUMP_PAGE_DESC_SIZE	24	/* s64 offset, u32 size, u32 flags, u64 page_flags */
#define KDUMP_UTS_LEN		65

/* Both headers, decoded to host order. */
struct kdump_header {
	int big_endian;			/* the dumped machine's byte order */
	/* disk_dump_header */
	int32_t header_version;
	char utsname[6][KDUMP_UTS_LEN];	/* sysname nodename release version
					 * machine domainname, NUL-terminated */
	int64_t tv_sec, tv_usec;
	uint32_t status;
	int32_t block_size;
	int32_t sub_hdr_size;		/* blocks */
	uint32_t bitmap_blocks;		/* both bitmaps */
	uint32_t max_mapnr;		/* obsolete 32-bit copy of max_mapnr_64 */
	uint32_t total_ram_blocks, device_blocks, written_blocks;
	uint32_t current_cpu;
	int32_t nr_cpus;
	/* kdump_sub_header (header_version >= 6 has every field) */
	uint64_t phys_base;
	int32_t dump_level;
	int32_t split;
	uint64_t start_pfn, end_pfn;	/* obsolete 32-bit era copies */
	uint64_t offset_vmcoreinfo, size_vmcoreinfo;	/* file offsets */
	uint64_t offset_note, size_note;
	uint64_t offset_eraseinfo, size_eraseinfo;
	uint64_t start_pfn_64, end_pfn_64, max_mapnr_64;
};

struct kdump_page_desc {
	int64_t offset;		/* of the page data in the file */
	uint32_t size;		/* stored bytes */
	uint32_t flags;		/* KDUMP_PAGE_* */
	uint64_t page_flags;	/* unused: 0 */
};

/* Decode block 0 (at least KDUMP_HEADER_SIZE bytes). Returns 0, 2
 * (EXIT_NOT_OURS: no signature) or 1 (EXIT_DAMAGED: a signature but
 * values no kdump file has), with err saying why. The byte order is
 * found from header_version and block_size. */
int kdump_header_decode(struct kdump_header *h, const unsigned char *blk, size_t len,
			char *err, size_t errlen);
/* Decode the sub header (KDUMP_SUBHEADER_SIZE bytes at block 1) into h,
 * whose big_endian decode() has set. */
void kdump_subheader_decode(struct kdump_header *h, const unsigned char *buf);

/* Encode into blk (KDUMP_HEADER_SIZE bytes; the rest of the block is the
 * caller's, zeroed) and the sub header (KDUMP_SUBHEADER_SIZE bytes). */
void kdump_header_encode(const struct kdump_header *h, unsigned char *blk);
void kdump_subheader_encode(const struct kdump_header *h, unsigned char *buf);

void kdump_page_desc_decode(int big_endian, struct kdump_page_desc *d, const unsigned char *p);
void kdump_page_desc_encode(int big_endian, const struct kdump_page_desc *d, unsigned char *p);

/* ---- the reader ----------------------------------------------------------
 *
 * Opens a kdump-compressed file through a window (lib/window.h) and reads
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
	char err[256];			/* why the last read failed (EIO, ENOTSUP) */
};

/* Open the kdump-compressed file in w. 0, EXIT_NOT_OURS (no "KDUMP   "
 * signature) or EXIT_DAMAGED, with err saying why. */
int kdump_open(struct kdump *kd, const struct window *w, char *err, size_t errlen);
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
