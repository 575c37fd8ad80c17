/* makedumpfile's kdump-compressed format (the reader: core/kdump.h) ("KDUMP   ", header version 6),
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
#ifndef DUMPBOX_KDUMPFMT_H
#define DUMPBOX_KDUMPFMT_H

#include <stddef.h>
#include <stdint.h>

#include "base/compress.h"
#include "base/err.h"

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
			struct err *err);
/* Decode the sub header (KDUMP_SUBHEADER_SIZE bytes at block 1) into h,
 * whose big_endian decode() has set. */
void kdump_subheader_decode(struct kdump_header *h, const unsigned char *buf);

/* Encode into blk (KDUMP_HEADER_SIZE bytes; the rest of the block is the
 * caller's, zeroed) and the sub header (KDUMP_SUBHEADER_SIZE bytes). */
void kdump_header_encode(const struct kdump_header *h, unsigned char *blk);
void kdump_subheader_encode(const struct kdump_header *h, unsigned char *buf);

void kdump_page_desc_decode(int big_endian, struct kdump_page_desc *d, const unsigned char *p);
void kdump_page_desc_encode(int big_endian, const struct kdump_page_desc *d, unsigned char *p);

/* The kdump page_desc / header status flag of a codec (0 for none), and
 * back: only the codec bits of flags count (a header's status has others);
 * none of them is CODEC_NONE, more than one is -1. */
uint32_t codec_kdump_flag(enum codec c);
int codec_from_kdump_flag(uint32_t flags, enum codec *out);

#endif
