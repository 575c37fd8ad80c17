/* The dump pipeline: copy an ELF core (source) to a target, in an order
 * that survives being cut off at any point. Shared by the zfcpdump applet
 * and everything else that writes a dump.
 *
 * Order of writes:
 *   1. target begin (a dump disk goes BUSY; a file is created as
 *      NAME.incomplete)
 *   2. with an HSA (s390 zfcpdump): every PT_LOAD below the HSA size, then
 *      the HSA is released so the machine gets that memory back
 *   3. everything else the ELF headers reference (program headers, notes,
 *      the other PT_LOADs), in file order
 *   4. target sync (fsync)
 *   5. the first page, which holds the ELF header: until now the dump
 *      does not even look like an ELF file, so a cut-off dump never looks
 *      complete
 *   6. target finish (a file gets its size; fsync; a disk goes COMPLETE, a
 *      file is renamed)
 * The output has the same layout as the source, so /proc/vmcore's own
 * p_offsets stay valid. The kdump-compressed format follows the same
 * rules in its own layout (lib/write/kdumpwrite.c). */
#ifndef DUMPBOX_DUMP_H
#define DUMPBOX_DUMP_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "core/vmcore.h"

/* The copy buffer: large enough for full-speed sequential I/O, small
 * enough for a capture kernel with tens of MiB. */
#define DUMP_CHUNK	(1u << 20)
#define DUMP_BLOCK	4096u	/* zero detection and the header page */

struct dump_target;

struct dump_target_ops {
	/* Called once before any data, with the size the dump will have
	 * (an upper bound for kdump: finish's info->size is the real one). */
	int (*begin)(struct dump_target *t, uint64_t size);
	/* Write len bytes at off (relative to the start of the dump). */
	int (*write)(struct dump_target *t, const void *buf, size_t len, uint64_t off);
	/* len zero bytes at off: a target that can leave a hole does so. */
	int (*zero)(struct dump_target *t, size_t len, uint64_t off);
	/* Make everything written so far durable. */
	int (*sync)(struct dump_target *t);
	/* The dump is complete (complete = 1) or not; final bookkeeping. */
	int (*finish)(struct dump_target *t, int complete, const struct dump_target *info);
};

struct dump_badrange {
	uint64_t offset, len;	/* in the dump file */
};

struct dump_target {
	const struct dump_target_ops *ops;
	void *priv;
	const char *name;	/* for messages */
	/* Filled by dump_vmcore() for finish() and the caller: */
	uint64_t size;		/* the dump's full size */
	uint64_t written;	/* bytes copied (data, zero or not) */
	uint64_t zero_bytes;	/* of those, zero blocks */
	uint64_t bad_bytes;	/* unreadable in the source, written as zeros */
	struct dump_badrange *bad;
	size_t nbad;
	/* Bytes the target's write and zero took (dump_put, dump_put_zero),
	 * from the first dump on: a watchdog on another thread reads it. */
	uint64_t moved;
	/* The target is gone (dump_abandon, from another thread): nothing
	 * more is written to it or synced, and finish only lets it go. */
	int abandoned;
	int error;		/* errno of the write that failed, or 0 */
	char reason[512];	/* why the dump failed */
};

struct dump_opts {
	/* Copy PT_LOADs with p_paddr below this first, then call
	 * release_hsa (s390: the hardware save area). 0: no HSA. */
	uint64_t hsa_size;
	int (*release_hsa)(void *arg);
	void *hsa_arg;
	/* Progress lines on this stream at most every progress_secs seconds
	 * (0 or NULL stream: none). */
	FILE *progress;
	unsigned progress_secs;
	/* Set from a signal handler: stop at the next chunk, INCOMPLETE. */
	volatile sig_atomic_t *stop;
	/* The output format. ELF copies the source's layout; KDUMP writes
	 * makedumpfile's kdump-compressed format (lib/core/kdump.h), leaving out
	 * the pages dump_level (pagefilter.h DL_*) excludes and compressing
	 * the rest with codec on threads worker threads (0: online CPUs). */
	enum dump_format { DUMP_FORMAT_ELF = 0, DUMP_FORMAT_KDUMP } format;
	int codec;		/* enum codec (compress.h) */
	int codec_level;	/* 0: the codec's default */
	unsigned dump_level;
	unsigned threads;
	const struct pagefilter *filter;	/* NULL: exclude by contents only */
};

/* t->ops->write, ->zero and ->sync; write and zero counted in t->moved.
 * On an abandoned target they fail at once (ETIMEDOUT). */
int dump_put(struct dump_target *t, const void *buf, size_t len, uint64_t off);
int dump_put_zero(struct dump_target *t, size_t len, uint64_t off);
int dump_sync(struct dump_target *t);

/* Give t up: a server that no longer answers would hold each further
 * write, sync and truncate for its timeouts, and none can succeed. Safe
 * from another thread; the write in progress ends as the target lets it. */
void dump_abandon(struct dump_target *t);
int dump_abandoned(const struct dump_target *t);

/* Record len unreadable bytes at off (zeros in the dump). */
void dump_add_bad(struct dump_target *t, uint64_t off, uint64_t len);

/* A write to t failed with errno: record why in t->error and t->reason.
 * Returns EXIT_INCOMPLETE when the target is full (ENOSPC, EFBIG,
 * EDQUOT: a dump that does not fit), else EXIT_DAMAGED. */
int dump_write_failed(struct dump_target *t, const char *what, uint64_t off);


/* Format "  512 of 4096 MiB  12.5%  210 MiB/s  ETA 0:17" into buf. */
void dump_format_progress(char *buf, size_t len, uint64_t done, uint64_t total,
			  double seconds);

#endif
