/* Where a dump goes: a new file (sparse, NAME.incomplete until complete),
 * or a stream in makedumpfile's flattened format (a pipe cannot seek back
 * to write the ELF header last, so each write is a record that says where
 * it belongs; `makedumpfile -R` rebuilds the file). A dump disk's target
 * is disk/disktarget.h. */
#ifndef DUMPBOX_DUMPTARGET_H
#define DUMPBOX_DUMPTARGET_H

#include "write/dump.h"

/* Create PATH.incomplete (0600, must not exist), renamed to PATH when the
 * dump completes. 0, or -1 with errno set. */
int dump_target_file(struct dump_target *t, const char *path);

/* Write the flattened format to fd (not closed). */
int dump_target_flat(struct dump_target *t, int fd, const char *name);

/* The bytes a flattened target has written: what the reader must have
 * received (a remote end killed by a signal can look like a clean exit). */
uint64_t dump_target_flat_bytes(const struct dump_target *t);

/* Write-behind for a target written front to back: start writeback of
 * what was just written, wait for the window before it and drop it from
 * the page cache, so a dump of many GiB neither fills a capture kernel's
 * memory with dirty pages nor waits for all of them at the final fsync.
 * fd offset = base + dump offset; start zeroed but for fd and base. */
struct dump_writebehind {
	int fd;
	uint64_t base;
	uint64_t flushed;	/* dump bytes before this are written back */
	uint64_t pending;	/* end of the window being written back */
};

/* Everything before upto (a dump offset) has been written. 0, or -1
 * with errno when writing back what was written before failed (EIO from
 * the disk): the dump has lost data and must fail, since the final
 * fsync will not report it again. */
int dump_writebehind(struct dump_writebehind *w, uint64_t upto);

/* Free what the target allocated (the file target's names). */
void dump_target_free(struct dump_target *t);

/* The flattened format (makedumpfile -F): a 4096-byte header, then
 * records of {be64 offset, be64 size, data}, ended by offset = size = -1. */
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_HEADER_SIZE 4096

/* A target over an open file nobody reads after a crash (a reassembled
 * stream that is converted next): writes at their offsets, holes for
 * zeros, no fsync, the size set at the end. *fd stays the caller's. */
void dump_target_fd(struct dump_target *t, int *fd, const char *name);

#endif
