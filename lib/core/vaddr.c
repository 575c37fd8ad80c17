/* Virtual to physical in the crashed kernel (core/vaddr.h): its page
 * tables, read through the reader's physical reads only, and the
 * mappings /proc/vmcore describes with p_vaddr. */
#include <errno.h>
#include <gelf.h>
#include <string.h>

#include "base/dumpbox.h"
#include "core/kdump.h"
#include "core/vaddr.h"
#include "core/vmcore.h"

#define VMCORE_PAGE 4096u	/* the unit of a walk by page */

#define X86_START_KERNEL_MAP	0xffffffff80000000ull
#define X86_PRESENT		0x001ull
#define X86_PSE			0x080ull	/* a 1 GiB or 2 MiB page */
#define X86_ADDR_BITS		0x000ffffffffff000ull	/* bits 12..51 */

static uint64_t end_of_memory(const struct vmcore *vc)
{
	uint64_t end = 0;

	for (size_t i = 0; i < vc->nloads; i++) {
		uint64_t e = vc->loads[i].paddr + vc->loads[i].memsz;

		if (e < vc->loads[i].paddr)
			e = UINT64_MAX;
		if (e > end)
			end = e;
	}
	return end;
}

/* s390's DAT tables (Principles of Operation, "Dynamic Address
 * Translation"; arch/s390/include/asm/pgtable.h). Region and segment
 * tables have 2048 entries of 8 bytes, page tables 256; every entry
 * carries its table's type (TT), which tells the top table's level. */
#define S390_INVALID		0x20ull		/* region and segment entries */
#define S390_TT(e)		((int)(((e) >> 2) & 3))	/* 3 R1, 2 R2, 1 R3, 0 segment */
#define S390_LARGE		0x400ull	/* FC: a 2 GiB (R3) or 1 MiB (segment) page */
#define S390_PAGE_INVALID	0x400ull
#define S390_TABLE_ORIGIN	(~0xfffull)
#define S390_PT_ORIGIN		(~0x7ffull)	/* page tables are 2 KiB */

static int s390_init(struct vtop *t)
{
	unsigned char raw[8];
	uint64_t sym;

	/* V=R: the kernel's symbols are physical addresses. */
	if (vmcoreinfo_symbol(t->vc, "swapper_pg_dir", &sym) < 0 || (sym & 0xfff) ||
	    vmcore_read_phys(t->vc, sym, raw, sizeof(raw)) < 0)
		return -1;
	t->root = sym;
	t->levels = S390_TT(vmcore_u64(t->vc, raw));
	return 0;
}

static int s390_walk(struct vtop *t, uint64_t va, uint64_t *pa, uint64_t *size)
{
	uint64_t table = t->root;
	unsigned top = 20 + 11 * (unsigned)t->levels + 11;

	/* Past what the top table spans: nothing maps it. */
	if (top < 64 && va >> top) {
		*size = -va;
		errno = ERANGE;
		return -1;
	}
	for (int level = t->levels; level >= 0; level--) {
		unsigned shift = 20 + 11 * (unsigned)level;
		unsigned char raw[8];
		uint64_t e;

		*size = (1ull << shift) - (va & ((1ull << shift) - 1));
		if (vmcore_read_phys(t->vc, table + ((va >> shift) & 0x7ff) * 8, raw, 8) < 0) {
			errno = EIO;
			return -1;
		}
		e = vmcore_u64(t->vc, raw);
		/* An entry of another table type: not a table we know. */
		if ((e & S390_INVALID) || S390_TT(e) != level) {
			errno = ERANGE;
			return -1;
		}
		if ((level == 1 || level == 0) && (e & S390_LARGE)) {
			uint64_t sz = 1ull << shift;

			*pa = (e & ~(sz - 1)) | (va & (sz - 1));
			*size = sz;
			return 0;
		}
		if (level > 0) {
			table = e & S390_TABLE_ORIGIN;
			continue;
		}
		*size = 4096 - (va & 4095);
		if (vmcore_read_phys(t->vc, (e & S390_PT_ORIGIN) + ((va >> 12) & 0xff) * 8, raw, 8) < 0) {
			errno = EIO;
			return -1;
		}
		e = vmcore_u64(t->vc, raw);
		if (e & S390_PAGE_INVALID) {
			errno = ERANGE;
			return -1;
		}
		*pa = (e & ~0xfffull) | (va & 0xfff);
		*size = 4096;
		return 0;
	}
	errno = ERANGE;	/* not reached: the segment level always returns */
	return -1;
}

void vtop_init(struct vtop *t, const struct vmcore *vc)
{
	uint64_t sym;
	int64_t n;

	memset(t, 0, sizeof(*t));
	t->vc = vc;
	t->serial = vc->serial;
	if (vc->ehdr.e_machine == EM_S390 && vc->elfclass == ELFCLASS64) {
		t->ident_end = end_of_memory(vc);
		t->kind = s390_init(t) == 0 ? VTOP_S390X : VTOP_IDENTITY;
		return;
	}
	if (vc->ehdr.e_machine != EM_X86_64 || vc->elfclass != ELFCLASS64)
		return;
	/* init_level4_pgt: its name before Linux 4.13. */
	if ((vmcoreinfo_symbol(vc, "init_top_pgt", &sym) < 0 &&
	     vmcoreinfo_symbol(vc, "init_level4_pgt", &sym) < 0) ||
	    sym < X86_START_KERNEL_MAP)
		return;
	/* The kernel image is mapped at __START_KERNEL_map + phys_base;
	 * without phys_base, the PT_LOAD of the kernel text says the same. */
	if (vmcoreinfo_number(vc, "phys_base", &n) == 0) {
		t->root = sym - X86_START_KERNEL_MAP + (uint64_t)n;
	} else {
		const struct vmcore_segment *s = vmcore_segment_at(vc, sym, 1);

		if (!s)
			return;
		t->root = s->paddr + (sym - s->vaddr);
	}
	if (t->root & 0xfff)
		return;
	t->levels = vmcoreinfo_number(vc, "pgtable_l5_enabled", &n) == 0 && n ? 5 : 4;
	t->mask = X86_ADDR_BITS;
	/* AMD SME/SEV: the encryption bit sits among the address bits. */
	if (vmcoreinfo_number(vc, "sme_mask", &n) == 0)
		t->mask &= ~(uint64_t)n;
	t->kind = VTOP_X86_64;
}

static int x86_walk(struct vtop *t, uint64_t va, uint64_t *pa, uint64_t *size)
{
	unsigned top = t->levels == 5 ? 56 : 47;
	uint64_t hi = va >> top, table = t->root;

	/* Not canonical: no table maps it, up to the upper half. */
	if (hi != 0 && hi != UINT64_MAX >> top) {
		*size = (UINT64_MAX << top) - va;
		errno = ERANGE;
		return -1;
	}
	for (int level = t->levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		unsigned char raw[8];
		uint64_t e;

		/* On failure *size is what is left of the failed entry. */
		*size = (1ull << shift) - (va & ((1ull << shift) - 1));
		if (vmcore_read_phys(t->vc, table + ((va >> shift) & 511) * 8, raw, 8) < 0) {
			errno = EIO;
			return -1;
		}
		e = vmcore_u64(t->vc, raw);
		if (!(e & X86_PRESENT)) {
			errno = ERANGE;
			return -1;
		}
		if (level == 1 || ((level == 2 || level == 3) && (e & X86_PSE))) {
			uint64_t sz = 1ull << shift;

			*pa = (e & t->mask & ~(sz - 1)) | (va & (sz - 1));
			*size = sz;
			return 0;
		}
		table = e & t->mask;
	}
	errno = ERANGE;	/* not reached: level 1 always returns */
	return -1;
}

int vtop_extent(struct vtop *t, uint64_t va, uint64_t *pa, uint64_t *left)
{
	uint64_t p, sz = 4096;	/* x86_walk() sets it on every path */

	if (t->size && va - t->vbase < t->size) {
		*pa = t->pbase + (va - t->vbase);
		*left = t->size - (va - t->vbase);
		return 0;
	}
	switch (t->kind) {
	case VTOP_X86_64:
	case VTOP_S390X:
		if ((t->kind == VTOP_X86_64 ? x86_walk(t, va, &p, &sz)
					    : s390_walk(t, va, &p, &sz)) < 0) {
			*left = sz;
			return -1;
		}
		t->vbase = va & ~(sz - 1);
		t->pbase = p & ~(sz - 1);
		t->size = sz;
		*pa = p;
		*left = sz - (va & (sz - 1));
		return 0;
	case VTOP_IDENTITY:
		if (va >= t->ident_end) {
			*left = -va;
			break;
		}
		*pa = va;
		*left = t->ident_end - va;
		return 0;
	case VTOP_NONE:
		*left = -va;
		break;
	}
	errno = ERANGE;
	return -1;
}

int vmcore_vtop(const struct vmcore *vc, uint64_t vaddr, uint64_t *paddr)
{
	/* Per thread (the dump writer reads from several), and only for
	 * the open it was made for: vmcore_open() gives each a serial. */
	static _Thread_local struct vtop t;
	uint64_t left;

	if (t.vc != vc || t.serial != vc->serial || !vc->serial)
		vtop_init(&t, vc);
	return vtop_extent(&t, vaddr, paddr, &left);
}

/* x86_64 puts the direct map at page_offset_base, which KASLR moves in
 * 1 GiB steps inside this range (Documentation/arch/x86/x86_64/mm.rst). */
#define X86_DIRECT_MAP_4	0xffff888000000000ull
#define X86_DIRECT_MAP_5	0xff11000000000000ull
#define X86_DIRECT_SPAN_4	(0x410ull << 36)	/* to the vmalloc area */
#define X86_DIRECT_SPAN_5	(0x410ull << 45)
#define GIB			(1ull << 30)

static int x86_direct_map(struct vtop *t, uint64_t *base)
{
	uint64_t start = t->levels == 5 ? X86_DIRECT_MAP_5 : X86_DIRECT_MAP_4;
	uint64_t span = t->levels == 5 ? X86_DIRECT_SPAN_5 : X86_DIRECT_SPAN_4;
	uint64_t pa, left;

	/* The direct map is the lowest mapping of the kernel half, and its
	 * first page is physical 0. Steps of 1 GiB, or over the whole hole
	 * a missing (or unreadable) entry leaves: a damaged top-level table
	 * costs a few reads, not one per GiB of the range. */
	for (uint64_t va = start; va - start < span;) {
		if (vtop_extent(t, va, &pa, &left) < 0) {
			left = (left + GIB - 1) & ~(GIB - 1);
			if (!left || va + left < va)
				break;
			va += left;
			continue;
		}
		/* Checked at a second place: the page tables themselves. */
		if (pa != 0 || vtop_extent(t, va + t->root, &pa, &left) < 0 || pa != t->root)
			return -1;
		*base = va;
		return 0;
	}
	return -1;
}

/* The kernel image from _stext for as long as it is mapped linearly. */
static int x86_kernel_text(struct vtop *t, struct kernel_maps *m)
{
	uint64_t stext, va, pa, next, left;
	int64_t image_size;

	if (vmcoreinfo_symbol(t->vc, "_stext", &stext) < 0 || stext < X86_START_KERNEL_MAP ||
	    vtop_extent(t, stext, &pa, &left) < 0)
		return -1;
	if (vmcoreinfo_number(t->vc, "KERNEL_IMAGE_SIZE", &image_size) < 0 || image_size <= 0)
		image_size = 512LL << 20;
	m->text_virt = stext;
	m->text_start = pa;
	va = stext + left;
	while (va - X86_START_KERNEL_MAP < (uint64_t)image_size &&
	       vtop_extent(t, va, &next, &left) == 0 && next == pa + (va - stext))
		va += left;
	if (va - X86_START_KERNEL_MAP > (uint64_t)image_size)
		va = X86_START_KERNEL_MAP + (uint64_t)image_size;
	m->text_end = pa + (va - stext);
	return 0;
}

int vmcore_kernel_maps(const struct vmcore *vc, struct kernel_maps *m)
{
	struct vtop t;

	memset(m, 0, sizeof(*m));
	vtop_init(&t, vc);
	switch (t.kind) {
	case VTOP_IDENTITY:
	case VTOP_S390X:
		m->have_direct = 1;
		return 0;
	case VTOP_X86_64:
		m->have_text = x86_kernel_text(&t, m) == 0;
		m->have_direct = x86_direct_map(&t, &m->direct_virt) == 0;
		return m->have_text || m->have_direct ? 0 : -1;
	case VTOP_NONE:
		break;
	}
	return -1;
}

size_t vtop_read(struct vtop *t, uint64_t va, unsigned char *buf, size_t len)
{
	size_t bad = 0;

	while (len) {
		uint64_t pa, left;
		size_t n;

		if (vtop_extent(t, va, &pa, &left) < 0) {
			/* The whole hole at once: a struct page array over a
			 * missing PMD is zeros without 512 failing walks. */
			n = 4096 - (size_t)(va & 4095);
			if (left > n)
				n = left < len ? (size_t)left : len;
			if (n > len)
				n = len;
			memset(buf, 0, n);
			bad += n;
		} else {
			n = left < len ? (size_t)left : len;
			if (vmcore_read_phys(t->vc, pa, buf, n) < 0) {
				memset(buf, 0, n);
				bad += n;
			}
		}
		buf += n;
		va += n;
		len -= n;
	}
	return bad;
}

int vmcore_virt_to_phys(const struct vmcore *vc, uint64_t vaddr, uint64_t *paddr)
{
	/* vmcore_vtop() reads page tables by physical address; should it
	 * ever ask for a virtual one, that must not come back here. */
	static _Thread_local int depth;
	int64_t phys_base, image_size;
	int rc;

	if (vc->ehdr.e_machine == EM_X86_64 && vaddr >= X86_START_KERNEL_MAP) {
		/* The kernel image mapping: KERNEL_IMAGE_SIZE from
		 * __START_KERNEL_map (512 MiB when not exported: the
		 * smallest it has been), modules above it. */
		if (vmcoreinfo_number(vc, "KERNEL_IMAGE_SIZE", &image_size) < 0 ||
		    image_size <= 0 || image_size > (1LL << 31))
			image_size = 512LL << 20;
		if (vaddr - X86_START_KERNEL_MAP < (uint64_t)image_size &&
		    (vmcoreinfo_number(vc, "phys_base", &phys_base) == 0 ||
		     (vc->kdump && (phys_base = (int64_t)vc->kdump->h.phys_base, 1)))) {
			*paddr = vaddr - X86_START_KERNEL_MAP + (uint64_t)phys_base;
			return 0;
		}
	}
	if (depth) {
		errno = ERANGE;
		return -1;
	}
	depth++;
	rc = vmcore_vtop(vc, vaddr, paddr);
	depth--;
	if (rc < 0 && errno != EIO)
		errno = ERANGE;
	return rc;
}

int vmcore_read_virt(const struct vmcore *vc, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;

	while (len) {
		const struct vmcore_segment *s = vc->kdump ? NULL : vmcore_segment_at(vc, addr, 1);
		uint64_t pa, rel;
		size_t chunk;

		if (s) {
			rel = addr - s->vaddr;
			chunk = s->memsz - rel < len ? (size_t)(s->memsz - rel) : len;
			if (vmcore_read_segment(vc, s, rel, out, chunk) < 0)
				return -1;
		} else {
			/* Through the page tables, a page at a time: what is
			 * contiguous here need not be in physical memory. */
			chunk = VMCORE_PAGE - (size_t)(addr % VMCORE_PAGE);
			if (chunk > len)
				chunk = len;
			if (vmcore_virt_to_phys(vc, addr, &pa) < 0 ||
			    vmcore_read_phys(vc, pa, out, chunk) < 0)
				return -1;
		}
		out += chunk;
		addr += chunk;
		len -= chunk;
	}
	return 0;
}
