/* Where a dump goes: a new file (sparse, NAME.incomplete until complete),
 * or a stream in makedumpfile's flattened format (a pipe cannot seek back
 * to write the ELF header last, so each write is a record that says where
 * it belongs; `makedumpfile -R` rebuilds the file). A dump disk's target
 * lives with the disk format (dumpdisk.h). */
#ifndef DUMPBOX_DUMPTARGET_H
#define DUMPBOX_DUMPTARGET_H

#include "dump.h"

/* Create PATH.incomplete (0600, must not exist), renamed to PATH when the
 * dump completes. 0, or -1 with errno set. */
int dump_target_file(struct dump_target *t, const char *path);

/* Write the flattened format to fd (not closed). */
int dump_target_flat(struct dump_target *t, int fd, const char *name);

/* Free what the target allocated (the file target's names). */
void dump_target_free(struct dump_target *t);

/* The flattened format (makedumpfile -F): a 4096-byte header, then
 * records of {be64 offset, be64 size, data}, ended by offset = size = -1. */
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_HEADER_SIZE 4096

#endif
