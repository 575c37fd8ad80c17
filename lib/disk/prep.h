/* Preparing a dump disk, as a plan before anything is written: what the
 * device is, whether it may be touched (not mounted, not busy, no dump
 * that was not extracted, nothing else on it unless forced), which
 * partition gets the dump, and whether a new partition table is needed.
 * diskprep prep prints and applies it; the rescue menu goes through
 * diskprep. Nothing here writes but prep_write_table() and prep_wipe(). */
#ifndef DUMPBOX_PREP_H
#define DUMPBOX_PREP_H

#include <stdint.h>

#include "base/err.h"

struct prep_request {
	const char *path;
	int zipl;		/* zipl's SCSI dump layout (a DOS table, partition 1 by default) */
	uint32_t partno;	/* the partition asked for, in the table that is there; 0: none */
	int mbr, gpt;		/* the new table's kind (GPT by default) */
	int no_table;		/* a whole disk without a table */
	int force;		/* overwrite tables, filesystems, dumps */
	int allow_symlink;	/* path may be a symbolic link */
};

struct prep_plan {
	const char *path;
	int fd;			/* open read-write (exclusive for a block device), locked */
	int isblk;
	int whole_disk;		/* a block device that is no partition */
	uint64_t size;		/* of the device or image */
	uint32_t sector;
	int new_table;		/* write a new table with one partition (prep_write_table) */
	uint64_t pstart, psize;	/* the dump's region (new_table: set by prep_write_table) */
	uint32_t partno;	/* 0: the whole device */
};

/* Decide, reading only. 0 with p->fd open, or -1 with e saying why not
 * (EXIT_DAMAGED: refused or failed, EXIT_NOT_OURS: no device or file). */
int prep_plan(const struct prep_request *rq, struct prep_plan *p, struct err *e);

/* Clear the first and last MiB of [off, off + size), where signatures live
 * (filesystems, RAID, GPT backups, LVM), so blkid finds only what is
 * written next. */
int prep_wipe(const struct prep_plan *p, uint64_t off, uint64_t size, struct err *e);

/* The new table of a plan with new_table: the whole device wiped, one
 * partition (DOS type 0x83 for zipl, 0xda with mbr, else a GPT dump
 * partition with GUID uuid); sets p->pstart, p->psize, p->partno. */
int prep_write_table(const struct prep_request *rq, struct prep_plan *p, const uint8_t uuid[16],
		     struct err *e);

#endif
