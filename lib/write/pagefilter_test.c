/* Page filtering and the page-table walk on cores built here: an x86_64
 * machine of 4 MiB with its own page tables (4 and 5 levels; 1 GiB,
 * 2 MiB and 4 KiB pages; entries with NX and the SME bit set), a
 * SPARSEMEM_EXTREME mem_section and a struct page array in a vmemmap,
 * laid out as a 6.1 kernel's VMCOREINFO describes them. The expected
 * classes are makedumpfile's rules applied by hand to each page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/dumpbox.h"
#include "base/window.h"
#include "core/vaddr.h"
#include "core/vmcore.h"
#include "write/pagefilter.h"

#define MEM_SIZE	(4u << 20)		/* the machine's RAM: pfns 0..1023 */
#define MEM_OFF		0x1000u			/* where it is in the file */
#define NPFN		(MEM_SIZE / 4096)

#define DIRECT_MAP	0xffff888000000000ull	/* 1 GiB page -> 0 */
#define DIRECT_MAP5	0xff11000000000000ull	/* the same, 5 levels */
#define VMEMMAP		0xffffea0000000000ull	/* 2 MiB page -> 0x200000 */
#define VMALLOC		0xffffc90000000000ull	/* 4 KiB pages */
#define MISSING_PT	0xffffc80000000000ull	/* its PUD is not in the dump */
#define STRUCT_PAGES	0x200000u
#define SME_BIT		(1ull << 46)
#define NX_BIT		(1ull << 63)
#define P		0x003ull		/* present, writable */
#define PSE		0x080ull

static const char vmcoreinfo_61[] =
	"OSRELEASE=6.1.0-test\n"
	"PAGESIZE=4096\n"
	"SYMBOL(init_top_pgt)=ffffffff81001000\n"
	"SYMBOL(mem_section)=ffff88800000a000\n"
	"LENGTH(mem_section)=4096\n"
	"SIZE(mem_section)=32\n"
	"OFFSET(mem_section.section_mem_map)=0\n"
	"NUMBER(SECTION_SIZE_BITS)=27\n"
	"NUMBER(MAX_PHYSMEM_BITS)=46\n"
	"SIZE(page)=64\n"
	"OFFSET(page.flags)=0\n"
	"OFFSET(page._refcount)=52\n"
	"OFFSET(page.mapping)=24\n"
	"OFFSET(page.lru)=8\n"
	"OFFSET(page._mapcount)=48\n"
	"OFFSET(page.private)=40\n"
	"OFFSET(page.compound_dtor)=16\n"
	"OFFSET(page.compound_order)=17\n"
	"OFFSET(page.compound_head)=8\n"
	"LENGTH(zone.free_area)=11\n"
	"NUMBER(PG_lru)=4\n"
	"NUMBER(PG_private)=13\n"
	"NUMBER(PG_swapcache)=10\n"
	"NUMBER(PG_swapbacked)=19\n"
	"NUMBER(PG_slab)=9\n"
	"NUMBER(PG_hwpoison)=23\n"
	"NUMBER(PG_head_mask)=65536\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
	"NUMBER(HUGETLB_PAGE_DTOR)=2\n"
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"
	"NUMBER(phys_base)=-16777216\n"		/* init_top_pgt is at 0x1000 */
	"NUMBER(pgtable_l5_enabled)=%d\n"
	"NUMBER(sme_mask)=70368744177664\n"	/* SME_BIT */
	"%s";

struct image {
	unsigned char *buf;
	size_t len;
	int fd;
	struct window win;
	struct vmcore vc;
};

/* The byte order of what build() writes next: s390x is big-endian. */
static int msb;

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[msb ? 7 - i : i] = (unsigned char)(v >> (8 * i));
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[msb ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static void put16(unsigned char *p, uint16_t v)
{
	p[msb ? 1 : 0] = (unsigned char)v;
	p[msb ? 0 : 1] = (unsigned char)(v >> 8);
}

/* Physical memory of the image. */
static unsigned char *phys(struct image *im, uint64_t pa)
{
	return im->buf + MEM_OFF + pa;
}

static void entry(struct image *im, uint64_t table, unsigned idx, uint64_t val)
{
	put64(phys(im, table + idx * 8), val);
}

/* An ELF64 x86_64 core: a VMCOREINFO note (if text) and one PT_LOAD of
 * MEM_SIZE at physical 0, the direct map. */
static void build(struct image *im, const char *text)
{
	size_t vlen = text ? strlen(text) : 0, nph = text ? 2 : 1;
	unsigned char *h, *ph;

	memset(im, 0, sizeof(*im));
	im->len = MEM_OFF + MEM_SIZE;
	im->buf = calloc(1, im->len);
	assert_non_null(im->buf);
	h = im->buf;
	memcpy(h, msb ? "\177ELF\2\2\1" : "\177ELF\2\1\1", 7);
	put16(h + 16, ET_CORE);
	put16(h + 18, msb ? EM_S390 : EM_X86_64);
	put32(h + 20, 1);
	put64(h + 32, 64);		/* e_phoff */
	put16(h + 52, 64);		/* e_ehsize */
	put16(h + 54, 56);		/* e_phentsize */
	put16(h + 56, (uint16_t)nph);
	ph = h + 64;
	if (text) {
		size_t noff = 0x200, nlen = 24 + ((vlen + 3) & ~(size_t)3);

		assert_true(noff + nlen <= MEM_OFF);
		put32(h + noff, 11);
		put32(h + noff + 4, (uint32_t)vlen);
		memcpy(h + noff + 12, "VMCOREINFO", 11);
		memcpy(h + noff + 24, text, vlen);
		put32(ph, PT_NOTE);
		put64(ph + 8, noff);
		put64(ph + 32, nlen);
		put64(ph + 40, nlen);
		ph += 56;
	}
	put32(ph, PT_LOAD);
	put64(ph + 8, MEM_OFF);
	put64(ph + 16, msb ? 0 : DIRECT_MAP);
	put64(ph + 24, 0);
	put64(ph + 32, MEM_SIZE);
	put64(ph + 40, MEM_SIZE);
}

/* The page tables: the top table at 0x1000, every entry with the SME bit
 * (the kernel sets it on all of them) and leaves with NX. */
static void page_tables(struct image *im, int l5)
{
	const uint64_t enc = SME_BIT;

	if (l5) {
		/* 0x1000 is the PGD, 0x2000 the P4D of the direct map. */
		entry(im, 0x1000, (DIRECT_MAP5 >> 48) & 511, 0x2000 | enc | P);
		entry(im, 0x2000, (DIRECT_MAP5 >> 39) & 511, 0xc000 | enc | P);
		entry(im, 0xc000, 0, 0 | enc | NX_BIT | PSE | P);
		/* vmemmap: PGD -> P4D at 0xd000 -> PUD 0x3000. */
		entry(im, 0x1000, (VMEMMAP >> 48) & 511, 0xd000 | enc | P);
		entry(im, 0xd000, (VMEMMAP >> 39) & 511, 0x3000 | enc | P);
	} else {
		entry(im, 0x1000, (DIRECT_MAP >> 39) & 511, 0x2000 | enc | P);
		entry(im, 0x2000, 0, 0 | enc | NX_BIT | PSE | P);
		entry(im, 0x1000, (VMEMMAP >> 39) & 511, 0x3000 | enc | P);
		entry(im, 0x1000, (VMALLOC >> 39) & 511, 0x5000 | enc | P);
		entry(im, 0x5000, 0, 0x6000 | enc | P);
		entry(im, 0x6000, 0, 0x7000 | enc | P);
		entry(im, 0x7000, 0, 0x8000 | enc | NX_BIT | P);
		entry(im, 0x7000, 1, 0x9000 | enc);		/* not present */
		entry(im, 0x1000, (MISSING_PT >> 39) & 511, 0x40000000 | enc | P);
	}
	/* vmemmap: PUD 0x3000 -> PMD 0x4000 -> a 2 MiB page of struct pages. */
	entry(im, 0x3000, (VMEMMAP >> 30) & 511, 0x4000 | enc | P);
	entry(im, 0x4000, (VMEMMAP >> 21) & 511, STRUCT_PAGES | enc | NX_BIT | PSE | P);
}

static void open_image(struct image *im)
{
	im->fd = memfd_create("pagefilter_test", 0);
	assert_true(im->fd >= 0);
	assert_int_equal(write_all(im->fd, im->buf, im->len), 0);
	window_init(&im->win, im->fd, 0, im->len, "test");
	assert_int_equal(vmcore_open(&im->vc, &im->win), 0);
}

static void close_image(struct image *im)
{
	vmcore_close(&im->vc);
	close(im->fd);
	free(im->buf);
}

static uint64_t vtop(struct image *im, uint64_t va)
{
	uint64_t pa = UINT64_MAX;

	errno = 0;
	if (vmcore_vtop(&im->vc, va, &pa) < 0)
		return errno == ERANGE ? UINT64_MAX - 1 : UINT64_MAX - 2;
	return pa;
}

#define UNMAPPED	(UINT64_MAX - 1)	/* ERANGE */
#define NO_TABLE	(UINT64_MAX - 2)	/* EIO */

static char *info(int l5, const char *extra)
{
	static char text[4096];

	snprintf(text, sizeof(text), vmcoreinfo_61, l5, extra);
	return text;
}

/* ---- vmcore_vtop ----------------------------------------------------------- */

static void vtop_4level(void **state)
{
	struct image im;

	(void)state;
	build(&im, info(0, ""));
	page_tables(&im, 0);
	open_image(&im);
	/* 1 GiB page; NX and SME stay out of the address. */
	assert_true(vtop(&im, DIRECT_MAP + 0x123456) == 0x123456);
	assert_true(vtop(&im, DIRECT_MAP + 0x3fffffff) == 0x3fffffff);
	/* 2 MiB page. */
	assert_true(vtop(&im, VMEMMAP + 0x40) == STRUCT_PAGES + 0x40);
	assert_true(vtop(&im, VMEMMAP + 0x1fffff) == STRUCT_PAGES + 0x1fffff);
	/* 4 KiB pages: one present, the next not. */
	assert_true(vtop(&im, VMALLOC + 0x123) == 0x8123);
	assert_true(vtop(&im, VMALLOC + 0x1000) == UNMAPPED);
	/* Again after the cache held another page. */
	assert_true(vtop(&im, VMEMMAP + 0x1000) == STRUCT_PAGES + 0x1000);
	assert_true(vtop(&im, VMALLOC + 0xfff) == 0x8fff);
	/* Not present at the top, in the PMD, not canonical. */
	assert_true(vtop(&im, 0xffff900000000000ull) == UNMAPPED);
	assert_true(vtop(&im, VMEMMAP + (2u << 20)) == UNMAPPED);
	assert_true(vtop(&im, 0x8000000000000000ull) == UNMAPPED);
	assert_true(vtop(&im, DIRECT_MAP5) == UNMAPPED);
	/* A page table outside the dump. */
	assert_true(vtop(&im, MISSING_PT) == NO_TABLE);
	close_image(&im);
}

static void vtop_5level(void **state)
{
	struct image im;

	(void)state;
	build(&im, info(1, ""));
	page_tables(&im, 1);
	open_image(&im);
	assert_true(vtop(&im, DIRECT_MAP5 + 0x123456) == 0x123456);
	assert_true(vtop(&im, VMEMMAP + 0x80) == STRUCT_PAGES + 0x80);
	/* The 4-level direct map is another (empty) slot with 5 levels. */
	assert_true(vtop(&im, DIRECT_MAP + 0x123456) == UNMAPPED);
	/* Canonical for 4 levels is not for 5: bits 56..63 must agree. */
	assert_true(vtop(&im, 0x0100000000000000ull) == UNMAPPED);
	close_image(&im);
}

/* The cache must not outlive the open it was made for: the same struct
 * vmcore, reopened on other page tables, translates by those. */
static void vtop_cache_per_open(void **state)
{
	struct image im;

	(void)state;
	build(&im, info(0, ""));
	page_tables(&im, 0);
	open_image(&im);
	assert_true(vtop(&im, VMEMMAP + 0x10) == STRUCT_PAGES + 0x10);
	close_image(&im);
	build(&im, info(0, ""));
	page_tables(&im, 0);
	entry(&im, 0x4000, 0, 0x000000 | PSE | P);	/* the 2 MiB page moved */
	open_image(&im);
	assert_true(vtop(&im, VMEMMAP + 0x10) == 0x10);
	close_image(&im);
}

static void vtop_needs_vmcoreinfo(void **state)
{
	struct image im;

	(void)state;
	build(&im, NULL);
	page_tables(&im, 0);
	open_image(&im);
	assert_true(vtop(&im, DIRECT_MAP + 0x1000) == UNMAPPED);
	close_image(&im);
}

/* ---- struct pages ---------------------------------------------------------- */

enum { PG_LRU = 4, PG_PRIVATE = 13, PG_SWAPCACHE = 10, PG_SWAPBACKED = 19, PG_SLAB = 9,
       PG_HWPOISON = 23, PG_HEAD = 16 };
#define ANON_MAPPING	(DIRECT_MAP + 0x5001)
#define FILE_MAPPING	(DIRECT_MAP + 0x5100)

static unsigned char *spage(struct image *im, uint64_t pfn)
{
	return phys(im, STRUCT_PAGES + pfn * 64);
}

static void set_page(struct image *im, uint64_t pfn, uint64_t flags, uint64_t mapping,
		     int32_t mapcount, uint64_t private)
{
	unsigned char *p = spage(im, pfn);

	put64(p, flags);
	put64(p + 24, mapping);
	put32(p + 48, (uint32_t)mapcount);
	put64(p + 40, private);
}

/* A compound page: the head at pfn, order and dtor in page[1], tails
 * pointing at the head with bit 0 set. */
static void compound(struct image *im, uint64_t pfn, unsigned order, unsigned char dtor,
		     uint64_t mapping, unsigned ntails)
{
	set_page(im, pfn, 1ull << PG_HEAD, mapping, -1, 0);
	spage(im, pfn + 1)[16] = dtor;
	spage(im, pfn + 1)[17] = (unsigned char)order;
	for (unsigned i = 1; i <= ntails; i++)
		put64(spage(im, pfn + i) + 8, (VMEMMAP + pfn * 64) | 1);
}

static void machine(struct image *im, const char *text)
{
	build(im, text);
	page_tables(im, 0);
	/* mem_section: the root array at 0xa000, root 0 -> sections at
	 * 0xb000; section 0 present, with a mem_map, online and early. */
	put64(phys(im, 0xa000), DIRECT_MAP + 0xb000);
	put64(phys(im, 0xb000), VMEMMAP | 0xf);
	for (uint64_t pfn = 0; pfn < NPFN; pfn++)
		set_page(im, pfn, 0, 0, -1, 0);
	set_page(im, 256, 1u << PG_LRU, FILE_MAPPING, 0, 0);			/* cache */
	set_page(im, 257, 1u << PG_LRU | 1u << PG_PRIVATE, FILE_MAPPING, 0, 0);	/* private */
	set_page(im, 258, 1u << PG_LRU, ANON_MAPPING, 0, 0);			/* user */
	compound(im, 260, 2, 1, ANON_MAPPING, 3);				/* user x4 */
	compound(im, 264, 3, 2, 0, 7);						/* hugetlb x8 */
	set_page(im, 272, 1u << PG_HWPOISON, 0, -1, 0);
	set_page(im, 273, 0, 0, -257, 0);					/* offline */
	set_page(im, 274, 0, 0, -129, 40);			/* buddy, absurd order */
	set_page(im, 275, 0, 0, -129, 1);			/* buddy, misaligned */
	set_page(im, 276, 1u << PG_SLAB, ANON_MAPPING, -129, 0);	/* slab */
	set_page(im, 280, 1u << PG_SWAPCACHE | 1u << PG_SWAPBACKED, ANON_MAPPING, 0, 0);
	set_page(im, 281, 1u << PG_SWAPCACHE | 1u << PG_SWAPBACKED, FILE_MAPPING, 0, 0);
	set_page(im, 282, 1u << PG_SWAPCACHE, 0, 0, 0);	/* not swap-backed: not cache */
	compound(im, 288, 30, 1, ANON_MAPPING, 1);		/* absurd order: the head only */
	set_page(im, 300, 0, 0, -129, 2);			/* free x4 */
	set_page(im, 512, 0, 0, -129, 9);			/* free x512 */
}

static void expect(struct image *im, unsigned level, unsigned applied, uint64_t cache,
		   uint64_t priv, uint64_t user, uint64_t free_pages)
{
	struct pagefilter pf;

	assert_int_equal(pagefilter_build(&im->vc, level, &pf), 0);
	assert_int_equal(pf.level, level);
	assert_int_equal(pf.applied, applied);
	assert_string_equal(pf.warning, "");
	assert_true(pf.max_pfn == NPFN);
	assert_true(pf.page_size == 4096);
	assert_true(pf.pages_cache == cache);
	assert_true(pf.pages_cache_private == priv);
	assert_true(pf.pages_user == user);
	assert_true(pf.pages_free == free_pages);
	/* Poisoned and offline pages go at every level. */
	assert_true(pf.pages_hwpoison == 1);
	assert_true(pf.pages_offline == 1);
	assert_true(pagefilter_excluded(&pf, 272));
	assert_true(pagefilter_excluded(&pf, 273));
	assert_true(pf.unreadable == 0);
	/* Never: the corrupt, the slab, the tails of a head that keeps
	 * them, what is past the end. */
	assert_false(pagefilter_excluded(&pf, 274));
	assert_false(pagefilter_excluded(&pf, 275));
	assert_false(pagefilter_excluded(&pf, 276));
	assert_false(pagefilter_excluded(&pf, 282));
	assert_false(pagefilter_excluded(&pf, 289));
	assert_false(pagefilter_excluded(&pf, 0));
	assert_false(pagefilter_excluded(&pf, NPFN));
	assert_int_equal(pagefilter_excluded(&pf, 256), !!(level & (DL_CACHE | DL_CACHE_PRIVATE)));
	assert_int_equal(pagefilter_excluded(&pf, 257), !!(level & DL_CACHE_PRIVATE));
	assert_int_equal(pagefilter_excluded(&pf, 263), !!(level & DL_USER));
	assert_int_equal(pagefilter_excluded(&pf, 271), !!(level & DL_USER));
	assert_int_equal(pagefilter_excluded(&pf, 1023), !!(level & DL_FREE));
	assert_int_equal(pagefilter_excluded(&pf, 303), !!(level & DL_FREE));
	assert_false(pagefilter_excluded(&pf, 304));
	pagefilter_free(&pf);
}

static void classes(void **state)
{
	struct image im;

	(void)state;
	machine(&im, info(0, ""));
	open_image(&im);
	/* cache: 256, 281; private: 257; user: 258, 260-263, 264-271
	 * (hugetlb), 280, 288; free: 300-303, 512-1023. */
	expect(&im, 31, 31, 2, 1, 15, 516);
	expect(&im, 2, 2, 2, 0, 0, 0);
	expect(&im, 4, 4, 2, 1, 0, 0);
	expect(&im, 8, 8, 0, 0, 15, 0);
	expect(&im, 16, 16, 0, 0, 0, 516);
	expect(&im, 1, 1, 0, 0, 0, 0);
	expect(&im, 0, 0, 0, 0, 0, 0);
	close_image(&im);
}

static void build_warns(struct image *im, unsigned level, unsigned applied, const char *key)
{
	struct pagefilter pf;

	assert_int_equal(pagefilter_build(&im->vc, level, &pf), 0);
	assert_int_equal(pf.applied, applied);
	if (!strstr(pf.warning, key))
		fail_msg("warning '%s' does not name %s", pf.warning, key);
	pagefilter_free(&pf);
}

/* Drop one line of the VMCOREINFO text. */
static char *without(const char *key)
{
	static char text[4096];
	char *p;

	snprintf(text, sizeof(text), "%s", info(0, ""));
	p = strstr(text, key);
	assert_non_null(p);
	memmove(p, strchr(p, '\n') + 1, strlen(strchr(p, '\n') + 1) + 1);
	return text;
}

static void missing_keys(void **state)
{
	struct image im;

	(void)state;
	machine(&im, without("NUMBER(PG_lru)"));
	open_image(&im);
	build_warns(&im, 31, 25, "NUMBER(PG_lru)");
	close_image(&im);

	machine(&im, without("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"));
	open_image(&im);
	build_warns(&im, 31, 15, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
	close_image(&im);

	machine(&im, without("OFFSET(page.mapping)"));
	open_image(&im);
	build_warns(&im, 30, 16, "OFFSET(page.mapping)");
	close_image(&im);

	machine(&im, without("SIZE(page)"));
	open_image(&im);
	build_warns(&im, 31, 1, "SIZE(page)");
	close_image(&im);

	machine(&im, without("SYMBOL(init_top_pgt)"));
	open_image(&im);
	build_warns(&im, 31, 1, "SYMBOL(init_top_pgt)");
	close_image(&im);

	/* Without PG_head_mask compound pages count as one page. */
	machine(&im, without("NUMBER(PG_head_mask)"));
	open_image(&im);
	build_warns(&im, 8, 8, "NUMBER(PG_head_mask)");
	close_image(&im);
}

static void no_vmcoreinfo(void **state)
{
	struct image im;
	struct pagefilter pf;

	(void)state;
	machine(&im, NULL);
	open_image(&im);
	assert_int_equal(pagefilter_build(&im.vc, 31, &pf), 0);
	assert_int_equal(pf.applied, DL_ZERO);
	assert_non_null(strstr(pf.warning, "no VMCOREINFO"));
	assert_null(pf.excluded);
	assert_false(pagefilter_excluded(&pf, 512));
	assert_true(pf.max_pfn == NPFN);
	pagefilter_free(&pf);
	/* Nothing asked that needs it: nothing to say. */
	assert_int_equal(pagefilter_build(&im.vc, 1, &pf), 0);
	assert_string_equal(pf.warning, "");
	pagefilter_free(&pf);
	close_image(&im);
}

static void unreadable_kernel_data(void **state)
{
	struct image im;
	struct pagefilter pf;

	(void)state;
	/* The mem_section root is empty: no struct page at all. */
	machine(&im, info(0, ""));
	put64(phys(&im, 0xa000), 0);
	open_image(&im);
	assert_int_equal(pagefilter_build(&im.vc, 31, &pf), -1);
	assert_int_equal(pf.applied, DL_ZERO);
	assert_non_null(strstr(pf.warning, "no struct page can be read"));
	assert_false(pagefilter_excluded(&pf, 512));
	pagefilter_free(&pf);
	close_image(&im);

	/* Half the struct pages' 2 MiB page is gone: vmemmap maps only
	 * the first 4 KiB of them through a page table. */
	machine(&im, info(0, ""));
	entry(&im, 0x4000, 0, 0x7000 | P);
	memset(phys(&im, 0x7000), 0, 4096);
	entry(&im, 0x7000, 0, STRUCT_PAGES | P);	/* pfns 0..63 only */
	open_image(&im);
	assert_int_equal(pagefilter_build(&im.vc, 31, &pf), 0);
	assert_true(pf.unreadable == NPFN - 64);
	assert_non_null(strstr(pf.warning, "cannot be read"));
	assert_true(pf.pages_free == 0);
	pagefilter_free(&pf);
	close_image(&im);
}

/* Struct page contents that would make a careless reader exclude the
 * whole machine: a head at pfn 0 with an order of 63, a buddy of order
 * 2^63. */
static void corrupt_pages(void **state)
{
	struct image im;
	struct pagefilter pf;

	(void)state;
	machine(&im, info(0, ""));
	compound(&im, 0, 63, 2, ANON_MAPPING, 0);
	set_page(&im, 512, 0, 0, -129, 1ull << 63);
	open_image(&im);
	assert_int_equal(pagefilter_build(&im.vc, 31, &pf), 0);
	assert_true(pf.pages_free == 4);
	assert_true(pf.pages_user == 16);	/* pfn 0 counts as itself */
	assert_false(pagefilter_excluded(&pf, 1));
	assert_false(pagefilter_excluded(&pf, 513));
	pagefilter_free(&pf);
	close_image(&im);
}

/* s390x: the identity mapping only. Its vmemmap lies beyond it, so
 * nothing but zero pages can go, and that is said, not an error. */
static void s390x_identity(void **state)
{
	struct image im;
	struct pagefilter pf;
	const char *text = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\n"
			   "SYMBOL(mem_section)=a000\nLENGTH(mem_section)=1024\n"
			   "SIZE(mem_section)=16\nOFFSET(mem_section.section_mem_map)=0\n"
			   "NUMBER(SECTION_SIZE_BITS)=28\nNUMBER(MAX_PHYSMEM_BITS)=46\n"
			   "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=24\n"
			   "OFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n"
			   "NUMBER(PG_lru)=4\nNUMBER(PG_private)=13\n"
			   "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
			   "NUMBER(PG_head_mask)=65536\nOFFSET(page.compound_head)=8\n";

	(void)state;
	msb = 1;
	build(&im, text);
	put64(phys(&im, 0xa000), 0xb000);			/* root 0 */
	put64(phys(&im, 0xb000), 0x0000400000000000ull | 3);	/* vmemmap */
	open_image(&im);
	msb = 0;
	assert_true(vtop(&im, 0x123456) == 0x123456);
	assert_true(vtop(&im, MEM_SIZE - 1) == MEM_SIZE - 1);
	assert_true(vtop(&im, MEM_SIZE) == UNMAPPED);
	assert_int_equal(pagefilter_build(&im.vc, 31, &pf), 0);
	assert_int_equal(pf.applied, DL_ZERO);
	if (!strstr(pf.warning, "s390x"))
		fail_msg("warning: %s", pf.warning);
	assert_null(pf.excluded);
	pagefilter_free(&pf);
	close_image(&im);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vtop_4level),
		cmocka_unit_test(vtop_5level),
		cmocka_unit_test(vtop_cache_per_open),
		cmocka_unit_test(vtop_needs_vmcoreinfo),
		cmocka_unit_test(classes),
		cmocka_unit_test(missing_keys),
		cmocka_unit_test(no_vmcoreinfo),
		cmocka_unit_test(unreadable_kernel_data),
		cmocka_unit_test(corrupt_pages),
		cmocka_unit_test(s390x_identity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
