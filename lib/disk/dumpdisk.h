/* A prepared dump disk, in either layout: dumpbox's own (docs/FORMAT.md)
 * or zipl's SCSI dump layout (lib/disk/zipl.h). One object for both, so the
 * dump applet, diskprep and the rescue menu share the writer protocol,
 * the state machine and the reader:
 *
 *   dumpdisk_open(d, path, DUMPDISK_RDWR)
 *   dumpdisk_begin(d, meta, dmesg, len)     state BUSY, log saved
 *   dumpdisk_write(d, buf, len, off) ...    any order, off within the area
 *   dumpdisk_finish(d, DUMPDISK_COMPLETE, size, NULL)
 *
 * and for readers dumpdisk_window() gives the dump area as a window, so
 * vmcore_open() reads a dump straight from the disk. */
#ifndef DUMPBOX_DUMPDISK_H
#define DUMPBOX_DUMPDISK_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/fields.h"
#include "base/window.h"
#include "disk/zipl.h"

enum dumpdisk_layout { DUMPDISK_NONE, DUMPDISK_OURS, DUMPDISK_ZIPL };

/* Numbers as stored on disk: never renumber. */
enum dumpdisk_state {
	DUMPDISK_EMPTY = 1,		/* prepared, no dump */
	DUMPDISK_BUSY = 2,		/* a dump is being written (or was cut) */
	DUMPDISK_COMPLETE = 3,		/* a whole dump, checksummed */
	DUMPDISK_INCOMPLETE = 4,	/* the writer gave up (full, error) */
};

enum dumpdisk_format { DUMPDISK_FMT_NONE = 0, DUMPDISK_FMT_ELF = 1, DUMPDISK_FMT_KDUMP = 2 };

#define DUMPDISK_F_EXTRACTED	0x1	/* copied out since it was written */
#define DUMPDISK_F_DATA_CRC	0x2	/* data_crc is the crc32 of the dump */

#define DUMPDISK_MAGIC		"DUMPBOX\x1a"
#define DUMPDISK_VERSION	1
#define DUMPDISK_SB_AREA	4096	/* each superblock copy's slot */
#define DUMPDISK_SB_SIZE	512	/* bytes of it in use (one sector) */
#define DUMPDISK_LOG_DEFAULT	(256 * 1024)
#define DUMPDISK_LOG_HEADER	64
#define DUMPDISK_MIN_SIZE	(4 * 1024 * 1024)	/* smallest partition we prepare */

/* Our superblock, decoded (FORMAT.md has the byte layout). */
struct dumpdisk_sb {
	uint32_t version;
	uint8_t uuid[16];
	char label[64];
	uint64_t part_start, part_size;
	uint64_t log_offset, log_size;
	uint64_t dump_offset, dump_size;
	uint32_t block_size;
	uint32_t state;
	uint64_t generation;
	uint64_t dump_id;
	uint32_t flags;
	uint32_t format;
	uint64_t dump_bytes;
	uint64_t crash_time, begin_time, finish_time, extract_time;
	uint32_t data_crc;
	char kernel_release[65];
	char writer[32];
	char reason[64];
};

/* Decode and validate one superblock copy (DUMPDISK_SB_SIZE bytes) for a
 * region of region_size bytes. Returns 0, EXIT_NOT_OURS (no magic) or
 * EXIT_DAMAGED (magic, but checksum, version or a field is wrong), with
 * err filled. The fuzzer's entry point. */
int dumpdisk_sb_decode(struct dumpdisk_sb *sb, const uint8_t *buf, uint64_t region_size,
		       struct err *err);
void dumpdisk_sb_encode(uint8_t *buf, const struct dumpdisk_sb *sb);
/* The superblock's fields, one table for both directions (base/fields.h). */
extern const struct field dumpdisk_sb_fields[];
extern const size_t dumpdisk_sb_nfields;

/* What is on the disk, the same for both layouts. */
struct dumpdisk_info {
	uint32_t state;
	uint32_t flags;
	uint32_t format;
	uint64_t capacity;		/* bytes the dump area holds */
	uint64_t dump_bytes;		/* bytes of the dump written */
	uint64_t crash_time, begin_time, finish_time, extract_time;
	uint32_t data_crc;
	uint64_t generation;
	char kernel_release[65];
	char writer[32];
	char reason[64];
	char uuid[37];			/* ours; zipl: empty */
	char label[64];
	uint64_t log_bytes;		/* valid dmesg bytes saved, 0: none */
	const char *note;		/* a remark for "info" (e.g. backup lost) */
};

struct dumpdisk_extent;

struct dumpdisk {
	int fd;
	int disk_fd;			/* zipl via a partition: the whole disk */
	int lock_fd;			/* a loop device's backing file, locked */
	char path[4096];
	int writable;
	uint64_t dev_size;
	uint32_t sector;
	enum dumpdisk_layout layout;
	uint64_t region_start;		/* the partition, as offsets in fd */
	uint64_t region_size;
	uint32_t partno;		/* 0: not found through a table */
	uint64_t dump_base;		/* offset in fd of the dump's byte 0 */
	struct dumpdisk_sb sb;		/* ours: the copy in force */
	int primary_ok, backup_ok;
	struct zipl_disk z;
	struct dumpdisk_info info;
	/* writer state */
	struct dumpdisk_extent *ext;
	size_t next, cap;
	int crc_lost;
	uint8_t *page0;			/* zipl: the first page, written last */
	int page0_set;
	struct err err;		/* why the last call failed */
};

#define DUMPDISK_RDONLY 0
#define DUMPDISK_RDWR 1
/* Or'd into the mode: PATH itself, not where a symbolic link points
 * (diskprep's writing commands: a link can be changed under them). */
#define DUMPDISK_NOFOLLOW 2

/* Open PATH (partition, whole disk with a partition table, or image
 * file) and find a dump disk in it. Returns 0, EXIT_NOT_OURS (no dump disk
 * here) or EXIT_DAMAGED (one whose superblocks cannot be used), with
 * d->err saying why. d->fd stays open even on EXIT_NOT_OURS/DAMAGED (so
 * the caller may look further); dumpdisk_close() always. */
int dumpdisk_open(struct dumpdisk *d, const char *path, int mode);
void dumpdisk_close(struct dumpdisk *d);

const char *dumpdisk_state_name(uint32_t state);
const char *dumpdisk_layout_name(enum dumpdisk_layout l);
const char *dumpdisk_format_name(uint32_t format);

/* May a new dump overwrite what is there? 0 yes; -1 no, with d->err. */
int dumpdisk_may_overwrite(struct dumpdisk *d);

struct dumpdisk_meta {
	uint32_t format;		/* DUMPDISK_FMT_* */
	const char *kernel_release;	/* may be NULL */
	uint64_t crash_time;		/* unix seconds, 0: unknown */
};

/* The writer protocol. Each returns 0, or -1 with d->err (and errno). */
int dumpdisk_begin(struct dumpdisk *d, const struct dumpdisk_meta *m,
		   const char *log, size_t loglen);
int dumpdisk_write(struct dumpdisk *d, const void *buf, size_t len, uint64_t off);
int dumpdisk_finish(struct dumpdisk *d, uint32_t state, uint64_t size, const char *reason);

/* After a successful copy: remember it, so clear knows. */
int dumpdisk_set_extracted(struct dumpdisk *d);
/* Back to EMPTY (the caller checked it was extracted). */
int dumpdisk_clear(struct dumpdisk *d);

/* The dump as a window: its written bytes if COMPLETE, else the whole
 * area (for forced extraction of a cut dump). */
void dumpdisk_window(const struct dumpdisk *d, struct window *w);

/* The saved dmesg, NUL-terminated, or NULL (none, or damaged). */
char *dumpdisk_read_log(struct dumpdisk *d, size_t *len);

/* Prepare our layout on [start, start + size) of fd: both superblocks
 * (EMPTY), an empty log area. label may be NULL; uuid is the caller's
 * (the GPT partition GUID too, so PARTUUID= finds it). */
int dumpdisk_format(int fd, uint64_t start, uint64_t size, const char *label,
		    uint32_t log_size, const uint8_t uuid[16], struct err *err);

/* The dump area dumpdisk_format would leave in size bytes (0: too small). */
uint64_t dumpdisk_capacity(uint64_t size, uint32_t log_size);

#endif
