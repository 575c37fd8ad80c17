/* makedumpfile's kdump-compressed format (core/kdumpfmt.h) from any
 * source, the pages compressed on worker threads. */
#ifndef DUMPBOX_KDUMPWRITE_H
#define DUMPBOX_KDUMPWRITE_H

#include <stdint.h>

#include "write/dump.h"

/* Copy vc to t as dump_vmcore() does with o->format KDUMP: begin() gets
 * an upper bound, t->size is the real size when finish() is called (a
 * file target cuts the file there); t->bad lists offsets in the source; a
 * dump cut off by a full target or a signal still gets its bitmaps and a
 * header that says INCOMPLETE where there was room. */
int dump_vmcore_kdump(const struct vmcore *vc, struct dump_target *t, const struct dump_opts *o);

/* The most bytes dump_vmcore_kdump() can write for vc (every page stored
 * uncompressed); 0 when the format cannot describe vc's memory. */
uint64_t dump_kdump_size_bound(const struct vmcore *vc, const struct dump_opts *o);

#endif
