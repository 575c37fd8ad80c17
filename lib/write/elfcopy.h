/* An ELF source (/proc/vmcore, an ELF core file, a dump area) copied as
 * it is: every byte its headers reference, in file order, the header
 * page last (a cut-off copy never looks complete); with an s390 HSA, the
 * PT_LOADs below o->hsa_size first, then o->release_hsa. The pages
 * o->filter excludes become zeros (holes). Returns as dump_vmcore()
 * (write/pipeline.h). */
#ifndef DUMPBOX_ELFCOPY_H
#define DUMPBOX_ELFCOPY_H

#include "write/dump.h"

int dump_elf_copy(const struct vmcore *vc, struct dump_target *t, const struct dump_opts *o);

#endif
