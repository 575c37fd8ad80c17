/* The layout of the ELF core a source is, or converts to: what a writer
 * follows (write/elfwrite.c) and what its users plan with (a dump disk's
 * size check, the dry run) before anything is written. */
#ifndef DUMPBOX_ELFLAYOUT_H
#define DUMPBOX_ELFLAYOUT_H

#include <stdint.h>

struct vmcore;
struct kernel_maps;

/* The size of the ELF core of vc: for an ELF source, where its last
 * segment ends; for a kdump-compressed one, the core write/elfwrite.c
 * makes of it without a filter (at most: an INCOMPLETE source may lack
 * some pages). */
uint64_t vmcore_elf_size(const struct vmcore *vc);

/* The part [*start, *start + return) of the pages at pa that is the
 * kernel image, which /proc/vmcore maps a second time, at the kernel's
 * own address (drgn and crash read the kernel's data through it before
 * they can walk a page table). 0: none. */
uint64_t elf_text_part(const struct kernel_maps *km, uint64_t pa, uint64_t len, uint64_t *start);

#endif
