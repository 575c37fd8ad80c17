/* VMCOREINFO from an s390x dump's memory, for the cores that carry no
 * VMCOREINFO note (QEMU's dump-guest-memory, virsh dump on IBM Z).
 *
 * The kernel keeps it where the machine's dumpers find it
 * (arch/s390/include/asm/lowcore.h, asm/os_info.h): the absolute lowcore
 * (the first page of real memory, not a CPU's prefix page) holds at 0xe0c
 * the physical address of the VMCOREINFO ELF note (vmcore_info, u64, big
 * endian) and at 0xe18 that of os_info, a page with a magic, a checksum
 * over the rest of it, and entries (0: VMCOREINFO) of address, size and
 * checksum. The checksum is the CKSM instruction's: 32-bit big-endian
 * words added with the carry wrapped around. Nothing read is trusted: the
 * note's header, its bounds and an OSRELEASE line are checked. */
#ifndef DUMPBOX_LOWCORE_H
#define DUMPBOX_LOWCORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Reads len bytes of the dump's physical memory at addr: 0, or -1 when
 * they are not all in the dump. */
typedef int lowcore_read_fn(const void *arg, uint64_t addr, void *buf, size_t len);

#define LOWCORE_VMCORE_INFO	0xe0cu
#define LOWCORE_OS_INFO		0xe18u
#define OS_INFO_MAGIC		0x4f53494e464f535aull	/* "OSINFOSZ" */
#define OS_INFO_SIZE		4096u
/* The kernel's VMCOREINFO is one page (VMCOREINFO_BYTES). */
#define LOWCORE_VMCOREINFO_MAX	4096u

/* The CKSM checksum of len bytes (a partial last word padded with zeros). */
uint32_t s390_cksm(const unsigned char *p, size_t len);

/* A VMCOREINFO ELF note in buf (big endian; len bytes read at its
 * address): 0 with *text and *text_len the descriptor's text up to its first
 * NUL, or -1 with e saying what is wrong with it. */
int s390_vmcoreinfo_note(const unsigned char *buf, size_t len, const unsigned char **text,
			 size_t *text_len, struct err *e);

/* The VMCOREINFO text of an s390x core (its memory read through read),
 * from the lowcore's pointer or,
 * failing that, os_info's entry: 0 with *text malloc'd (NUL-terminated)
 * and how saying where it was found (for `info`), or -1 with e saying why
 * there is none. */
int s390_lowcore_vmcoreinfo(lowcore_read_fn *read, const void *arg, char **text, char *how,
			    size_t howlen, struct err *e);

#endif
