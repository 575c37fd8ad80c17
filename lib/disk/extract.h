/* Copying a dump out of a dump disk's area (diskprep extract): every
 * byte read once, its crc32 taken on the way (the superblock's checksum
 * is over the same bytes), zero pages left as holes in a regular file. */
#ifndef DUMPBOX_EXTRACT_H
#define DUMPBOX_EXTRACT_H

#include <stdint.h>

#include "base/err.h"

struct window;

struct extract_copy {
	const struct window *from;	/* the dump: dumpdisk_window() */
	const char *from_name;		/* for messages: the device */
	int to;				/* the output, positioned at 0; -1: none,
					 * the checksum only (diskprep check --data) */
	const char *to_name;
	int sparse;			/* to is a regular file: zero pages become holes */
	/* Called every 1 MiB read; NULL: no progress. */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *arg;
	uint32_t crc;			/* out: crc32 of everything read */
	uint64_t unreadable_at;		/* out: where a read failed (rc -1) */
};

/* Copy all of c->from to c->to (a sparse file gets its full size). 0, or
 * -1 with e saying which read or write failed. */
int extract_copy(struct extract_copy *c, struct err *e);

#endif
