/* Virtual addresses of the crashed kernel: its page tables, and where it
 * mapped physical memory. Everything is read with vmcore_read_phys(), so
 * the reader below never needs this. */
#ifndef DUMPBOX_VADDR_H
#define DUMPBOX_VADDR_H

#include <stddef.h>
#include <stdint.h>

struct vmcore;

/* Read len bytes at a kernel virtual address: where a PT_LOAD maps it
 * (p_vaddr), else through the page tables (vmcore_virt_to_phys). 0, or
 * -1 with errno as vmcore_read_phys() sets it. */
int vmcore_read_virt(const struct vmcore *vc, uint64_t addr, void *buf, size_t len);

/* A virtual address no PT_LOAD covers (for a kdump file: any) to
 * physical: x86_64 kernel text by phys_base (NUMBER(phys_base), else the
 * kdump sub header's), anything else by vmcore_vtop(). 0, or -1 with
 * errno ERANGE. */
int vmcore_virt_to_phys(const struct vmcore *vc, uint64_t vaddr, uint64_t *paddr);

/* Translate a kernel virtual address of the crashed machine to physical
 * by walking its page tables (x86_64: from SYMBOL(init_top_pgt), 4 or 5
 * levels per NUMBER(pgtable_l5_enabled); s390x: the DAT tables from
 * SYMBOL(swapper_pg_dir), region-first to page table, with 2 GiB and
 * 1 MiB large pages, else identity below the end of physical memory, as
 * a V=R kernel such as Debian's 6.1 maps it). Page tables are read with vmcore_read_phys() only, so
 * vmcore_read_virt() may fall back to this. 0, or -1 with errno ERANGE
 * (not mapped, or an architecture or VMCOREINFO this cannot translate
 * for) or EIO (a page table is not in the dump). */
int vmcore_vtop(const struct vmcore *vc, uint64_t vaddr, uint64_t *paddr);

/* Where the crashed kernel mapped physical memory, for an ELF core whose
 * PT_LOADs carry virtual addresses as /proc/vmcore's do: the kernel image
 * (x86_64: [text_start, text_end) at text_virt, from SYMBOL(_stext) for as
 * far as the page tables map it linearly) and the direct map (physical 0
 * at direct_virt: x86_64's page_offset_base, found by walking the page
 * tables; s390x: the identity map at 0). 0 when either is known, -1 when
 * neither is (no page tables: the caller keeps p_vaddr 0). */
struct kernel_maps {
	int have_text, have_direct;
	uint64_t text_start, text_end, text_virt;
	uint64_t direct_virt;
};
int vmcore_kernel_maps(const struct vmcore *vc, struct kernel_maps *m);

/* A translator for many lookups (the page filter's walk of the vmemmap):
 * it remembers the last translation. */
enum vtop_kind { VTOP_NONE, VTOP_X86_64, VTOP_S390X, VTOP_IDENTITY };

struct vtop {
	const struct vmcore *vc;
	uint64_t serial;
	enum vtop_kind kind;
	int levels;		/* x86_64: 4 or 5; s390x: the top table's type,
				 * 3 region-first .. 1 region-third, 0 segment */
	uint64_t root;		/* physical address of init_top_pgt (x86_64),
				 * swapper_pg_dir (s390x) */
	uint64_t mask;		/* x86_64: the address bits of an entry */
	uint64_t ident_end;	/* identity: the end of physical memory */
	/* The last translation: [vbase, vbase + size) is at pbase. Struct
	 * pages are read a chunk at a time, so this saves all but one walk
	 * per 2 MiB (or 1 GiB) of vmemmap. */
	uint64_t vbase, pbase, size;
};

void vtop_init(struct vtop *t, const struct vmcore *vc);
/* Translate va; *left: how many bytes from va on are mapped contiguously.
 * When va is not mapped (-1, errno ERANGE, or EIO where a table cannot be
 * read), *left is how many bytes from va on lie under the same missing
 * entry, so that a search can step over the hole in one go. */
int vtop_extent(struct vtop *t, uint64_t va, uint64_t *pa, uint64_t *left);
/* Read len bytes of kernel virtual memory. What cannot be translated or
 * read comes back as zeros (a zeroed struct page is one we keep); the
 * return value is how many bytes that was. */
size_t vtop_read(struct vtop *t, uint64_t va, unsigned char *buf, size_t len);

#endif
