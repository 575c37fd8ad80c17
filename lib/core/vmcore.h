/* The vmcore reader: an ELF core (/proc/vmcore, a saved copy, a dump on a
 * disk) through a window, parsed with libelf. Never writes; never trusts
 * a size it read: every header and note is bounded before it is used. */
#ifndef DUMPBOX_VMCORE_H
#define DUMPBOX_VMCORE_H

#include <stddef.h>
#include <stdint.h>
#include <gelf.h>

#include "base/err.h"
#include "base/window.h"

/* Bounds on what a core may make us allocate. A real vmcore has a few
 * hundred program headers and a note per CPU; these are far above that
 * and far below what would hurt a capture kernel. */
#define VMCORE_MAX_HEADERS	(16u << 20)	/* ELF + program headers */
#define VMCORE_MAX_NOTES	(16u << 20)	/* all PT_NOTE bytes */

#define VMCORE_NO_OFFSET UINT64_MAX	/* a segment with no place in the file */

struct vmcore_segment {
	uint64_t paddr, vaddr;
	uint64_t offset;	/* in the window */
	uint64_t filesz, memsz;
	uint32_t flags;
};

struct vmcore_note {
	const char *name;	/* NUL-terminated (namesz may not count it) */
	uint32_t namesz;
	uint32_t type;
	const unsigned char *desc;	/* in the dumped machine's byte order */
	uint32_t descsz;
	uint64_t offset;	/* of the note header, in the window */
};

struct vmcore {
	const struct window *win;
	Elf *elf;		/* over hdrbuf, through elf_memory() */
	unsigned char *hdrbuf;
	size_t hdrlen;
	GElf_Ehdr ehdr;
	int elfclass;		/* ELFCLASS32 or ELFCLASS64 */
	int data;		/* ELFDATA2LSB or ELFDATA2MSB */
	size_t nphdr;		/* all program headers */
	struct vmcore_segment *loads;	/* the PT_LOADs, in header order */
	size_t nloads;
	unsigned char **notebufs;	/* each PT_NOTE's bytes, headers converted */
	size_t nnotebufs;
	struct vmcore_note *notes;
	size_t nnotes;
	int notes_damaged;	/* a note ran past its segment: parsing stopped */
	char *vmcoreinfo;	/* NUL-terminated copy of the VMCOREINFO note */
	size_t vmcoreinfo_len;
	/* Where vmcoreinfo came from ("the VMCOREINFO note", "the kdump
	 * header", s390's lowcore: core/lowcore.h); without one, why the
	 * lowcore had none, or "". */
	char vmcoreinfo_src[512];
	int vmcoreinfo_in_memory;	/* found in memory, not in the file's notes */
	uint64_t expected_size;	/* where the last segment ends (kdump: 0; the
				 * ELF core it converts to: vmcore_elf_size(),
				 * the file's own: kdump->expected_size) */
	uint64_t serial;	/* unique per vmcore_open() in this process: keys caches
				 * (vmcore_vtop's) that must not outlive this open */
	struct kdump *kdump;	/* a kdump-compressed file: its reader (kdump.h), and
				 * loads are the runs of dumped pages (offset
				 * VMCORE_NO_OFFSET: read them by address); NULL: ELF */
	struct err err;		/* why vmcore_open() failed */
};

/* Parse the ELF core or kdump-compressed file in w. Returns 0,
 * EXIT_NOT_OURS (neither; a flattened stream is refused, vc->err says how
 * to reassemble it) or EXIT_DAMAGED (headers that cannot be used), with
 * vc->err saying why. A truncated file still opens: see
 * vmcore_missing_bytes(). For a kdump file, ehdr.e_machine, elfclass
 * (64) and data come from its header; nphdr, hdrlen and elf are 0. */
int vmcore_open(struct vmcore *vc, const struct window *w);
void vmcore_close(struct vmcore *vc);

/* Bytes of segments that lie past the end of the window (0 = complete). */
uint64_t vmcore_missing_bytes(const struct vmcore *vc);

/* The architecture name for e_machine ("x86_64", "s390x", ...). */
const char *vmcore_arch(const struct vmcore *vc);

/* Fixed-width reads in the dumped machine's byte order (not the host's). */
uint16_t vmcore_u16(const struct vmcore *vc, const void *p);
uint32_t vmcore_u32(const struct vmcore *vc, const void *p);
uint64_t vmcore_u64(const struct vmcore *vc, const void *p);
/* A pointer-sized value: 4 or 8 bytes by ELF class. */
uint64_t vmcore_ulong(const struct vmcore *vc, const void *p);
size_t vmcore_ulong_size(const struct vmcore *vc);

/* The PT_LOAD that holds physical (or, with virt, virtual) address addr:
 * the first in header order that covers it, or NULL. */
const struct vmcore_segment *vmcore_segment_at(const struct vmcore *vc, uint64_t addr,
					       int virt);

/* Copy len bytes of the crashed machine's memory at a physical address
 * (virtual ones: core/vaddr.h). Bytes past p_filesz read as zero.
 * Returns 0, or -1 with errno ERANGE (not in the dump), EIO (past the end
 * of a truncated file) or a read error. */
int vmcore_read_phys(const struct vmcore *vc, uint64_t addr, void *buf, size_t len);
/* len bytes at rel into segment s (an ELF core's PT_LOAD): the file's
 * bytes, zeros past p_filesz. 0, or -1 with errno ERANGE (not inside s),
 * EIO (past the end of a truncated file) or a read error. */
int vmcore_read_segment(const struct vmcore *vc, const struct vmcore_segment *s, uint64_t rel,
			void *buf, size_t len);
/* For EIO (and ENOTSUP) from a kdump file: why (a page that does not
 * decompress, a descriptor past the end); NULL when there is no more to
 * say than strerror. ERANGE from a kdump file: not in the dump, or
 * missing from an INCOMPLETE one. */
const char *vmcore_read_error(const struct vmcore *vc);

/* The first note with this name and type, or NULL. */
const struct vmcore_note *vmcore_find_note(const struct vmcore *vc,
					   const char *name, uint32_t type);

/* VMCOREINFO lookups. vmcoreinfo_get copies the value of KEY (e.g.
 * "OSRELEASE", "SYMBOL(prb)") into buf; 0 when found, -1 when absent or
 * too long for buf. The typed helpers parse the value as the kernel
 * writes it: SYMBOL hex, SIZE/OFFSET/LENGTH decimal, NUMBER signed
 * decimal or 0x hex. */
int vmcoreinfo_get(const struct vmcore *vc, const char *key, char *buf, size_t len);
int vmcoreinfo_symbol(const struct vmcore *vc, const char *name, uint64_t *out);
int vmcoreinfo_size(const struct vmcore *vc, const char *type, uint64_t *out);
int vmcoreinfo_offset(const struct vmcore *vc, const char *member, uint64_t *out);
int vmcoreinfo_length(const struct vmcore *vc, const char *name, uint64_t *out);
int vmcoreinfo_number(const struct vmcore *vc, const char *name, int64_t *out);

#endif
