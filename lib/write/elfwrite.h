/* A new ELF core from a source that has no ELF layout to copy (a
 * kdump-compressed file): dump_vmcore() calls it for such a source when
 * o->format is ELF. The core is what /proc/vmcore looks like:
 *
 *   page 0..   (core/elflayout.h) ELF header, program headers (PT_NOTE, the kernel image's
 *              PT_LOADs at the kernel's addresses, aliasing the bytes of
 *              the runs below, then one PT_LOAD per run of pages the
 *              source holds, at its direct-map address; see
 *              vmcore_kernel_maps(): p_vaddr 0 where the page tables do
 *              not tell), and with more than 0xfffe of them, section
 *              header 0 (PN_XNUM)
 *   then       the source's notes, with VMCOREINFO (a note of its own
 *              when the source kept it apart)
 *   then       the pages, each PT_LOAD at a page-aligned p_offset
 *
 * Written through the target in file order, the header last (a cut-off
 * core never looks complete). Pages that cannot be read (EIO) become
 * zeros and are listed in t->bad; pages an INCOMPLETE source lacks are
 * not in any PT_LOAD, and the result is EXIT_INCOMPLETE (the target is
 * finished as incomplete: a file stays NAME.incomplete). The pages
 * o->filter excludes are left out too. */
#ifndef DUMPBOX_ELFWRITE_H
#define DUMPBOX_ELFWRITE_H

#include "write/dump.h"

int dump_elf_pages(const struct vmcore *vc, struct dump_target *t, const struct dump_opts *o);

#endif
