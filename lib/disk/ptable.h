/* Partition tables and signatures: enough GPT and DOS (MBR) to read a
 * disk's partitions, to write a table with one dump partition on an empty
 * disk, and to recognise what a device already holds before we overwrite
 * it. Readers are bounded (a table is fuzz input like any other). */
#ifndef DUMPBOX_PTABLE_H
#define DUMPBOX_PTABLE_H

#include <stddef.h>
#include <stdint.h>

#define PTABLE_MAX_PARTS 128

enum ptable_kind { PTABLE_NONE, PTABLE_DOS, PTABLE_GPT };

struct ptable_part {
	uint32_t number;	/* 1-based, as the kernel names sdX<number> */
	uint64_t start;		/* bytes from the start of the disk */
	uint64_t size;		/* bytes */
	uint8_t dos_type;	/* DOS partition type (0 for GPT) */
	uint8_t type_guid[16];	/* GPT: on-disk (mixed-endian) bytes */
	uint8_t guid[16];	/* GPT: the partition's unique GUID */
	char name[37];		/* GPT name, ASCII (other characters as '?') */
};

struct ptable {
	enum ptable_kind kind;
	uint32_t sector;	/* logical sector size the table was read with */
	size_t nparts;
	struct ptable_part parts[PTABLE_MAX_PARTS];
	int gpt_backup_bad;	/* GPT: the backup header or entries are damaged */
};

/* The type GUID of a dumpbox dump partition (text form in FORMAT.md). */
extern const uint8_t ptable_dumpbox_type[16];
/* Linux filesystem data, what a zipl dump partition on GPT gets. */
extern const uint8_t ptable_linux_type[16];

/* Read the partition table of the disk in fd (dev_size bytes, logical
 * sectors of sector bytes). Returns 0 (pt->kind may be PTABLE_NONE) or -1
 * with e filled (a table that is there but unusable: EXIT_DAMAGED). */
struct err;
int ptable_read(int fd, uint64_t dev_size, uint32_t sector, struct ptable *pt, struct err *e);

/* Write a new table with one partition that spans the disk from 1 MiB on
 * (GPT: up to the backup table; DOS: up to 2^32 sectors). guid is the GPT
 * partition GUID in RFC 4122 byte order (so PARTUUID reads as the same
 * text); type is the GPT type GUID or, for DOS, dos_type. Returns 0 and
 * the partition's place, or -1 with errno (EFBIG: disk too small). */
int ptable_write_gpt(int fd, uint64_t dev_size, uint32_t sector,
		     const uint8_t type[16], const uint8_t guid[16],
		     const char *name, uint64_t *start, uint64_t *size);
int ptable_write_dos(int fd, uint64_t dev_size, uint32_t sector, uint8_t dos_type,
		     uint64_t *start, uint64_t *size);

/* GUIDs and UUIDs as text. uuid_format: RFC 4122 byte order; guid_format:
 * GPT's on-disk order (first three fields little-endian). */
void uuid_format(const uint8_t u[16], char out[37]);
void guid_format(const uint8_t g[16], char out[37]);
int uuid_parse(const char *s, uint8_t u[16]);
void uuid_to_guid(const uint8_t u[16], uint8_t g[16]);
/* A random (version 4) UUID: 0, or -1 with errno. */
int uuid_generate(uint8_t u[16]);
/* Random bytes from getrandom(2) (or /dev/urandom): 0, or -1 with errno. */
int random_bytes(void *buf, size_t len);

/* What a region of a device already holds. probe_signatures looks for
 * filesystems, volume managers, RAID, swap and partition tables at their
 * well-known places in [base, base + size) and names each it finds. */
struct probe_hit {
	char what[48];
	uint64_t offset;	/* of the signature, relative to base */
};
#define PROBE_MAX_HITS 8
int probe_signatures(int fd, uint64_t base, uint64_t size, uint32_t sector,
		     struct probe_hit *hits, int max);

/* Zero [off, off + len) of fd, in large writes. 0 or -1 with errno. */
int zero_range(int fd, uint64_t off, uint64_t len);

#endif
