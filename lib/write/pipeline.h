/* One dump, whatever the formats: source -> page stream -> writer ->
 * target. dump, extract and convert all come through here. */
#ifndef DUMPBOX_PIPELINE_H
#define DUMPBOX_PIPELINE_H

#include "write/dump.h"

/* Copy vc to t in o->format. Returns EXIT_OK (complete), EXIT_DAMAGED
 * (complete, but some source pages were unreadable and are zeros: t->bad
 * lists them; or a write failed), EXIT_INCOMPLETE (target full, or
 * stopped). t->reason says why for anything but EXIT_OK.
 *   ELF from ELF      write/elfcopy.h: the layout stays, the pages
 *                     o->filter excludes are zeros (holes)
 *   ELF from kdump    write/elfwrite.h: a new layout, as /proc/vmcore's
 *   KDUMP from any    write/kdumpwrite.h */
int dump_vmcore(const struct vmcore *vc, struct dump_target *t, const struct dump_opts *o);

#endif
