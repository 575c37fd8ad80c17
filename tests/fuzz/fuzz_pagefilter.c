/* libFuzzer target: page filtering and the page-table walk. A random file
 * rarely has VMCOREINFO and page tables that lead anywhere, so the input
 * is the physical memory of a small x86_64 machine (64 KiB at most) whose
 * VMCOREINFO is fixed but for the variants byte 0 picks: 4 or 5 levels,
 * SPARSEMEM_EXTREME or not, where compound orders and hugetlb are (6.1,
 * 6.3, 6.6, 6.9 layouts), the SME mask. The page tables at 0x1000, the
 * mem_section roots at 0x2000 and every struct page are whatever the
 * input says. Beyond not crashing: the counts equal the bits set, and no
 * bit is set outside the dump. tests/corpus/pagefilter has machines that
 * lead somewhere (tests/fuzz/pagefilter-seeds.py made them). */
// fuzz-max-len: 65537
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "base/window.h"
#include "core/vaddr.h"
#include "core/vmcore.h"
#include "write/pagefilter.h"

#define DIRECT_MAP	0xffff888000000000ull
#define HDR		0x1000u		/* ELF header, program headers, the note */
#define MAX_MEM		0x10000u

static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> 8 * i); }
static void put64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> 8 * i); }

static size_t vmcoreinfo(char *buf, size_t len, unsigned v)
{
	return (size_t)snprintf(buf, len,
		"OSRELEASE=6.1.0-fuzz\nPAGESIZE=4096\n"
		"SYMBOL(init_top_pgt)=ffffffff81001000\nNUMBER(phys_base)=-16777216\n"
		"NUMBER(pgtable_l5_enabled)=%d\n%s"
		"SYMBOL(mem_section)=ffff888000002000\nLENGTH(mem_section)=%s\n"
		"SIZE(mem_section)=32\nOFFSET(mem_section.section_mem_map)=0\n"
		"NUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=%d\n"
		"SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=24\n"
		"OFFSET(page.lru)=8\nOFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n"
		"OFFSET(page.compound_head)=8\nLENGTH(zone.free_area)=11\n"
		"%s%s"
		"NUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\n"
		"NUMBER(PG_swapbacked)=19\nNUMBER(PG_slab)=9\nNUMBER(PG_hwpoison)=23\n"
		"NUMBER(PG_head_mask)=65536\nNUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
		"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n%s",
		v & 1, v & 64 ? "NUMBER(sme_mask)=70368744177664\n" : "",
		/* sections (flat) or roots of 128 (extreme) for 46 or 52 bits */
		v & 2 ? (v & 1 ? "33554432" : "524288") : (v & 1 ? "262144" : "4096"),
		v & 1 ? 52 : 46,
		/* where compound orders are */
		v & 16 ? "OFFSET(folio._folio_dtor)=80\nOFFSET(folio._folio_order)=81\n"
		       : "OFFSET(page.compound_dtor)=16\nOFFSET(page.compound_order)=17\n",
		v & 4 ? (v & 8 ? "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-1025\n"
			       "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-513\n"
			     : "NUMBER(PG_hugetlb)=6\n")
		      : "NUMBER(HUGETLB_PAGE_DTOR)=2\n",
		v & 128 ? "NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)=-8193\n" : "");
}

/* The ELF core: a VMCOREINFO note and a PT_LOAD of the memory at 0. */
static size_t core(unsigned char *out, unsigned v, const uint8_t *mem, size_t memlen)
{
	char text[2048];
	size_t tlen = vmcoreinfo(text, sizeof(text), v), nlen = 24 + ((tlen + 3) & ~(size_t)3);
	unsigned char *ph = out + 64;

	memset(out, 0, HDR);
	memcpy(out, "\177ELF\2\1\1", 7);
	put16(out + 16, ET_CORE);
	put16(out + 18, EM_X86_64);
	put32(out + 20, 1);
	put64(out + 32, 64);
	put16(out + 52, 64);
	put16(out + 54, 56);
	put16(out + 56, 2);
	put32(out + 0x200, 11);
	put32(out + 0x204, (uint32_t)tlen);
	memcpy(out + 0x20c, "VMCOREINFO", 11);
	memcpy(out + 0x218, text, tlen);
	put32(ph, PT_NOTE);
	put64(ph + 8, 0x200);
	put64(ph + 32, nlen);
	put64(ph + 40, nlen);
	ph += 56;
	put32(ph, PT_LOAD);
	put64(ph + 8, HDR);
	put64(ph + 16, DIRECT_MAP);
	put64(ph + 32, memlen);
	/* Memory past the file data reads as zero: a page more of it. */
	put64(ph + 40, memlen + 4096);
	memcpy(out + HDR, mem, memlen);
	return HDR + memlen;
}

static void check(const struct vmcore *vc, unsigned level)
{
	struct pagefilter pf;
	uint64_t bits = 0, counted;

	pagefilter_build(vc, level, &pf);
	if ((pf.applied & ~level) || (level & DL_ZERO) != (pf.applied & DL_ZERO) ||
	    strnlen(pf.warning, sizeof(pf.warning)) == sizeof(pf.warning))
		abort();
	for (uint64_t pfn = 0; pfn < pf.max_pfn + 64; pfn++)
		bits += (uint64_t)pagefilter_excluded(&pf, pfn);
	counted = pf.pages_cache + pf.pages_cache_private + pf.pages_user + pf.pages_free +
		  pf.pages_hwpoison + pf.pages_offline;
	/* Each page left out is counted once, and only pages of the dump
	 * (17 pages at most) are. */
	if (bits != counted || bits > MAX_MEM / 4096 + 1)
		abort();
	pagefilter_free(&pf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static unsigned char buf[HDR + MAX_MEM];
	struct window w;
	struct vmcore vc;
	size_t len;
	uint64_t pa;

	if (size < 1 || size - 1 > MAX_MEM)
		return 0;
	len = core(buf, data[0], data + 1, size - 1);
	if (fd < 0)
		fd = memfd_create("fuzz_pagefilter", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) < 0 || pwrite_all(fd, buf, len, 0) < 0)
		abort();
	window_init(&w, fd, 0, len, "fuzz");
	if (vmcore_open(&vc, &w) != 0)
		abort();
	check(&vc, DL_MAX);
	check(&vc, DL_CACHE | DL_USER);
	check(&vc, 0);
	/* The walk itself, through the tables the input has. */
	for (uint64_t va = DIRECT_MAP; va < DIRECT_MAP + 0x20000; va += 0x3000)
		vmcore_vtop(&vc, va, &pa);
	vmcore_vtop(&vc, 0xffffea0000000000ull, &pa);
	vmcore_vtop(&vc, 0xff11000000000000ull, &pa);
	vmcore_close(&vc);
	return 0;
}
