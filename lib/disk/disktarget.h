/* A prepared dump disk (disk/dumpdisk.h) as the target of a dump
 * (write/dump.h): the crashed kernel's log goes first, so the crash
 * reason survives a failed dump; the state goes BUSY, then COMPLETE or
 * INCOMPLETE with the reason, as docs/RELIABILITY.md describes. */
#ifndef DUMPBOX_DISKTARGET_H
#define DUMPBOX_DISKTARGET_H

#include "disk/dumpdisk.h"
#include "write/dump.h"
#include "write/dumptarget.h"

struct vmcore;

struct disk_target {
	struct dumpdisk *disk;		/* open read-write, the caller's */
	const struct vmcore *vc;	/* what is dumped: release, crash time, log */
	enum dump_format format;
	struct dump_writebehind wb;	/* the page cache written back behind the dump */
};

/* t writes to dt->disk; dt lives as long as t. */
void disk_target_init(struct dump_target *t, struct disk_target *dt, const char *name);
/* From the start again: a dump at the next fallback level. */
void disk_target_rewind(struct disk_target *dt);
/* Is t a disk target? */
int disk_target_is(const struct dump_target *t);

#endif
