/* The zipl SCSI dump layout (s390-tools: zipl -d, zgetdump -d, zfcpdump):
 * a zIPL boot record in block 0 of the disk, a program table with a dump
 * program, and the 72-byte scsi_dump_sb that says where the dump
 * partition is and checksums its first page. Everything big-endian, as
 * s390 writes it. docs/FORMAT.md describes it and what we add. */
#ifndef DUMPBOX_ZIPL_H
#define DUMPBOX_ZIPL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/fields.h"

#define ZIPL_SB_MAGIC		0x5a46435044554d50ull	/* "ZFCPDUMP" */
#define ZIPL_SB_SIZE		72
#define ZIPL_CSUM_SEED		0x12345678u
#define ZIPL_CSUM_SIZE		4096
#define ZIPL_BOOT_INFO_OFF	0x70
#define ZIPL_BUSY_STRING	"zfcpdump busy"
/* Our record after the superblock, in the same 512-byte sector. */
#define ZIPL_EXT_OFF		256
#define ZIPL_EXT_SIZE		256

struct zipl_sb {
	uint64_t magic, version, part_start, part_size;
	uint64_t dump_offset, dump_size, csum_offset, csum_size, csum;
};

/* dumpbox's extension record (FORMAT.md, "zipl layout: our additions").
 * It describes the dump whose first page has checksum bound_csum; a real
 * zfcpdump that writes a new dump changes that checksum and so orphans
 * the record, which is then ignored. */
struct zipl_ext {
	uint32_t version;
	uint32_t state;		/* enum dumpdisk_state */
	uint32_t flags;		/* DUMPDISK_F_* */
	uint32_t format;
	uint64_t bound_csum;
	uint64_t dump_bytes;
	uint64_t dump_id;
	uint64_t crash_time, begin_time, finish_time;
	uint64_t log_offset;	/* bytes from the start of the disk, 0: none */
	uint32_t log_size;
	uint32_t data_crc;
	uint32_t data_crc_valid;
	char kernel_release[65];
	char writer[32];
	char reason[64];
};

struct zipl_disk {
	uint32_t blk;		/* logical block size the pointers count in */
	uint64_t sb_off;	/* byte offset of the superblock on the disk */
	struct zipl_sb sb;
	uint64_t ptab_block;
	uint32_t csum_now;	/* checksum of the first page as it is now */
	int csum_ok;		/* csum_now == sb.csum */
	int page0_kind;		/* ZIPL_PAGE0_* */
	int have_ext;		/* a valid extension record is there */
	int ext_bound;		/* ... and describes the current first page */
	struct zipl_ext ext;
};

enum { ZIPL_PAGE0_ZERO, ZIPL_PAGE0_BUSY, ZIPL_PAGE0_ELF, ZIPL_PAGE0_OTHER };

/* The s390 CKSM instruction: 32-bit big-endian words added with
 * end-around carry, a short tail padded with zeros. */
uint32_t zipl_cksm(const void *buf, size_t len, uint32_t sum);

void zipl_sb_decode(struct zipl_sb *sb, const uint8_t *b);
void zipl_sb_encode(uint8_t *b, const struct zipl_sb *sb);
int zipl_ext_decode(struct zipl_ext *e, const uint8_t *b);	/* 0 if valid */
void zipl_ext_encode(uint8_t *b, const struct zipl_ext *e);
/* The record's fields, one table for both directions (base/fields.h). */
extern const struct field zipl_ext_fields[];
extern const size_t zipl_ext_nfields;

/* Look for a zipl SCSI dump layout on the disk in fd (dev_size bytes,
 * logical blocks of blk bytes), as zgetdump -d does: zIPL MBR, program
 * table with a dump program, boot_info, superblock. Then classify the
 * first page of the dump partition. Returns 0, EXIT_NOT_OURS (no zipl dump
 * record) or EXIT_DAMAGED (a zipl dump record whose superblock is
 * unusable), with err filled. */
int zipl_probe(int fd, uint64_t dev_size, uint32_t blk, struct zipl_disk *z,
	       struct err *err);

/* Write what zipl -d writes for a SCSI dump partition [part_start,
 * part_start + part_size) of the disk in fd: the bootmap (component data,
 * segment tables, component table, program table, superblock) in the
 * partition's tail, with a log area of log_size bytes for our record, the
 * zIPL MBR into block 0 (keeping its partition table) and zeros over the
 * partition's first 64 KiB. stage3 (s390-tools' stage3.bin) may be NULL:
 * the dump tool is then loaded without it (see FORMAT.md). On success
 * fills z as zipl_probe would. Returns 0 or -1 with err filled. */
struct zipl_tool {
	const void *kernel, *initrd, *stage3;
	size_t kernel_len, initrd_len, stage3_len;
	const char *parmline;
};
int zipl_write_layout(int fd, uint32_t blk, uint64_t part_start, uint64_t part_size,
		      uint32_t partno, const struct zipl_tool *tool, uint32_t log_size,
		      struct zipl_disk *z, struct err *err);

/* Rewrite the superblock sector: the superblock with csum over the
 * current first page (page0, ZIPL_CSUM_SIZE bytes) and, if ext is not
 * NULL, our record. One 512-byte write, so it lands whole or not at all. */
int zipl_write_sb(int fd, struct zipl_disk *z, const uint8_t *page0,
		  const struct zipl_ext *ext);

#endif
