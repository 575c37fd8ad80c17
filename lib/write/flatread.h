/* Reassembly of makedumpfile's flattened stream (dumptarget.h has the
 * format), as `makedumpfile -R FILE < STREAM` does: each record's data
 * goes to its offset. A stream without the end marker is INCOMPLETE: the
 * file it leaves is never complete-looking (the target is not finished as
 * complete). Every record is bounded; nothing is trusted. */
#ifndef DUMPBOX_FLATREAD_H
#define DUMPBOX_FLATREAD_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "write/dump.h"

/* Records must end below this: far above any machine's memory, far below
 * where offsets overflow. */
#define FLAT_MAX_END (1ull << 52)

/* Does buf (len bytes, the stream's start) begin with the flattened
 * header? */
int flat_is_stream(const void *buf, size_t len);

/* Read the stream from in (a pipe is fine: read front to back) and write
 * it to t (begin, writes, sync, finish). Returns EXIT_OK, EXIT_NOT_OURS
 * (no flattened header), EXIT_INCOMPLETE (the stream ends before the end
 * marker) or EXIT_DAMAGED (a record no writer makes, a read or write
 * error), with err saying why; t->size is the file's size. */
int flat_reassemble(int in, struct dump_target *t, struct err *err);

#endif
