/* Page filtering by dump level: which pages a dump may leave out, from
 * the crashed kernel's struct page array as its VMCOREINFO describes it.
 *
 * The classification is makedumpfile's (1.7.x, __exclude_unnecessary_pages),
 * re-derived, with the later fixes for kernels up to 6.16 that only need
 * VMCOREINFO keys (folio orders, PG_hugetlb, page types in _mapcount):
 *   - a compound tail page (compound_head bit 0) is never looked at on its
 *     own: its head decides for the whole compound page;
 *   - free: a buddy head (_mapcount == PAGE_BUDDY_MAPCOUNT_VALUE, not
 *     slab) with its order in page.private: 2^order pages;
 *   - cache: on the LRU (or in the swap cache) and not anonymous; with
 *     PG_private it is "private cache" (level 4), without it level 2;
 *   - user: anonymous (mapping bit 0, not slab) or hugetlbfs;
 *   - hardware-poisoned and offline pages at every level;
 *   - a class's count is in pages of the dump: a compound or buddy head
 *     counts all the pages it covers.
 * Everything is read through vmcore_read_phys(): struct pages live in the
 * vmemmap, which no PT_LOAD maps virtually, so addresses are translated
 * by walking the crashed kernel's page tables (core/vaddr.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dumpbox.h"
#include "core/vaddr.h"
#include "core/vmcore.h"
#include "write/pagefilter.h"

/* ---- what VMCOREINFO says about struct page ------------------------------ */

/* Compound orders above this are corruption (a 16 GiB page of 64 KiB
 * pages is order 18): the page counts as one. */
#define MAX_COMPOUND_ORDER	20
/* Without LENGTH(zone.free_area), the largest buddy order believed. */
#define DEFAULT_MAX_ORDER	10
/* Struct pages read at once (pfns; a power of two). */
#define CHUNK_PFNS		2048u
#define MAX_PAGE_STRUCT		512u	/* bigger is not a struct page */

struct mm {
	const struct vmcore *vc;
	struct pagefilter *pf;
	struct vtop vt;
	unsigned shift;			/* log2(page size) */
	size_t ul;			/* sizeof(unsigned long): 8 or 4 */
	uint64_t sz;			/* SIZE(page) */
	uint64_t off_flags, off_mapping, off_mapcount, off_private, off_head;
	int have_mapping, have_mapcount, have_private, have_head;
	/* Compound pages. */
	uint64_t head_mask;		/* NUMBER(PG_head_mask); 0: unknown */
	int order_in_flags;		/* 6.6+: page[1].flags & 0xff */
	int have_order, have_dtor;
	uint64_t off_order, off_dtor;	/* in page[1] */
	unsigned order_width;		/* 1 or 2 bytes */
	int have_hugetlb_dtor;
	int64_t hugetlb_dtor;
	int pg_hugetlb;			/* 6.6-6.8: in page[1].flags */
	int have_hugetlb_type;		/* 6.9+: head _mapcount */
	int32_t hugetlb_type;
	/* Flags and page types (-1 / have_ = 0: not exported). */
	int pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab, pg_hwpoison, pg_buddy;
	int have_buddy_type, have_offline_type, have_slab_type, have_unaccepted_type;
	int32_t buddy_type, offline_type, slab_type, unaccepted_type;
	unsigned max_order;
	unsigned classes;		/* DL_* bits that can be told apart */
	/* Memory model. */
	int sparse;			/* 1: mem_section; 0: SYMBOL(vmemmap) */
	uint64_t mem_section, ms_size, ms_off_map, vmemmap;
	unsigned section_shift;		/* pfn bits of a section */
	uint64_t nr_sections;
	int extreme;
	uint64_t per_root, nr_roots;
	uint64_t map_mask;		/* the pointer bits of section_mem_map */
	uint64_t cached_root;		/* UINT64_MAX: none */
	int root_ok;
	unsigned char *rootbuf;
	uint64_t cached_sec;		/* UINT64_MAX: none */
	int sec_ok;
	uint64_t sec_base;
	/* The pfns of the dump, sorted and merged. */
	struct pfn_range { uint64_t start, end; } *ranges;
	size_t nranges;
	unsigned want;			/* the classes to exclude */
	int swap;			/* the dump's byte order is not the host's */
	char why[160];			/* the first struct page that could not be read */
};

static void note(struct pagefilter *pf, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void note(struct pagefilter *pf, const char *fmt, ...)
{
	size_t len = strlen(pf->warning);
	va_list ap;

	if (len && len + 2 < sizeof(pf->warning)) {
		memcpy(pf->warning + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(pf->warning + len, sizeof(pf->warning) - len, fmt, ap);
	va_end(ap);
}

static const char *class_names(unsigned bits, char *buf, size_t len)
{
	static const char *const names[] = { "zero", "cache", "private cache", "user", "free" };
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		if (bits & (1u << i) && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? ", " : "", names[i]);
	return buf;
}

/* Leave classes out for a missing key: "cache, user: no OFFSET(page.mapping)". */
static void missing(struct mm *m, unsigned classes, const char *key)
{
	char names[64];

	classes &= m->classes & m->pf->level;
	m->classes &= ~classes;
	if (classes)
		note(m->pf, "%s pages not excluded: no %s in VMCOREINFO",
		     class_names(classes, names, sizeof(names)), key);
}

/* An offset of a field of width w inside a struct page. */
static int page_offset(struct mm *m, const char *member, size_t w, uint64_t *out)
{
	return vmcoreinfo_offset(m->vc, member, out) == 0 && *out <= m->sz &&
		       w <= m->sz - *out ? 0 : -1;
}

/* A page flag's bit number, or -1. */
static int flag_bit(struct mm *m, const char *name)
{
	int64_t n;

	if (vmcoreinfo_number(m->vc, name, &n) < 0 || n < 0 || n >= (int64_t)m->ul * 8)
		return -1;
	return (int)n;
}

static int page_type(struct mm *m, const char *name, int32_t *out)
{
	int64_t n;

	if (vmcoreinfo_number(m->vc, name, &n) < 0 || n < INT32_MIN || n > UINT32_MAX)
		return 0;
	*out = (int32_t)(uint32_t)n;
	return 1;
}

/* What compound pages need: the head flag, and where the order (and the
 * destructor, which says hugetlb on older kernels) is. */
static void compound_keys(struct mm *m)
{
	const struct vmcore *vc = m->vc;
	uint64_t u;
	int64_t n;

	if (vmcoreinfo_number(vc, "PG_head_mask", &n) == 0 && n > 0)
		m->head_mask = (uint64_t)n;
	/* Where a compound page's order is: in page[1] as
	 * page.compound_order (to 6.2), folio._folio_order (6.3-6.5,
	 * counted from page[0]), or the low byte of page[1].flags (6.6+,
	 * the kernels that export PG_hugetlb or the hugetlb page type). */
	m->pg_hugetlb = flag_bit(m, "PG_hugetlb");
	m->have_hugetlb_type = page_type(m, "PAGE_HUGETLB_MAPCOUNT_VALUE", &m->hugetlb_type);
	m->order_in_flags = m->pg_hugetlb >= 0 || m->have_hugetlb_type;
	if (vmcoreinfo_offset(vc, "folio._folio_order", &u) == 0 && u >= m->sz) {
		m->off_order = u - m->sz;
		m->have_order = 1;
	} else if (vmcoreinfo_offset(vc, "page.compound_order", &u) == 0) {
		m->off_order = u;
		m->have_order = 1;
	}
	if (vmcoreinfo_offset(vc, "folio._folio_dtor", &u) == 0 && u >= m->sz) {
		m->off_dtor = u - m->sz;
		m->have_dtor = 1;
	} else if (vmcoreinfo_offset(vc, "page.compound_dtor", &u) == 0) {
		m->off_dtor = u;
		m->have_dtor = 1;
	}
	/* Both were unsigned short before Linux 4.16, unsigned char since,
	 * and always next to each other. */
	m->order_width = m->have_order && m->have_dtor && m->off_order == m->off_dtor + 2 ? 2 : 1;
	if (m->have_order && (m->off_order > m->sz || m->order_width > m->sz - m->off_order))
		m->have_order = 0;
	if (m->have_dtor && (m->off_dtor > m->sz || m->order_width > m->sz - m->off_dtor))
		m->have_dtor = 0;
	m->have_hugetlb_dtor = m->have_dtor &&
			       vmcoreinfo_number(vc, "HUGETLB_PAGE_DTOR", &m->hugetlb_dtor) == 0;
}

static int page_keys(struct mm *m)
{
	const struct vmcore *vc = m->vc;
	uint64_t u;

	m->ul = vmcore_ulong_size(vc);
	if (vmcoreinfo_size(vc, "page", &m->sz) < 0 || m->sz < 2 * m->ul ||
	    m->sz > MAX_PAGE_STRUCT) {
		missing(m, DL_MAX, "usable SIZE(page)");
		return -1;
	}
	if (page_offset(m, "page.flags", m->ul, &m->off_flags) < 0) {
		missing(m, DL_MAX, "usable OFFSET(page.flags)");
		return -1;
	}
	m->have_mapping = page_offset(m, "page.mapping", m->ul, &m->off_mapping) == 0;
	m->have_mapcount = page_offset(m, "page._mapcount", 4, &m->off_mapcount) == 0;
	m->have_private = page_offset(m, "page.private", m->ul, &m->off_private) == 0;
	/* compound_info: its name since Linux 7.1. */
	m->have_head = page_offset(m, "page.compound_head", m->ul, &m->off_head) == 0 ||
		       page_offset(m, "page.compound_info", m->ul, &m->off_head) == 0;

	compound_keys(m);

	m->pg_lru = flag_bit(m, "PG_lru");
	m->pg_private = flag_bit(m, "PG_private");
	m->pg_swapcache = flag_bit(m, "PG_swapcache");
	m->pg_swapbacked = flag_bit(m, "PG_swapbacked");
	m->pg_slab = flag_bit(m, "PG_slab");
	m->pg_hwpoison = flag_bit(m, "PG_hwpoison");
	m->pg_buddy = flag_bit(m, "PG_buddy");	/* before Linux 2.6.38 */
	m->have_buddy_type = page_type(m, "PAGE_BUDDY_MAPCOUNT_VALUE", &m->buddy_type);
	m->have_offline_type = page_type(m, "PAGE_OFFLINE_MAPCOUNT_VALUE", &m->offline_type);
	m->have_slab_type = page_type(m, "PAGE_SLAB_MAPCOUNT_VALUE", &m->slab_type);
	m->have_unaccepted_type = page_type(m, "PAGE_UNACCEPTED_MAPCOUNT_VALUE",
					    &m->unaccepted_type);
	if (!m->have_mapcount)
		m->have_buddy_type = m->have_offline_type = m->have_slab_type =
			m->have_unaccepted_type = m->have_hugetlb_type = 0;
	m->max_order = DEFAULT_MAX_ORDER;
	if (vmcoreinfo_length(vc, "zone.free_area", &u) == 0 && u >= 1 && u <= MAX_COMPOUND_ORDER)
		m->max_order = (unsigned)u - 1;

	if (!m->have_mapping)
		missing(m, DL_CACHE | DL_CACHE_PRIVATE | DL_USER, "OFFSET(page.mapping)");
	if (m->pg_lru < 0)
		missing(m, DL_CACHE | DL_CACHE_PRIVATE, "NUMBER(PG_lru)");
	if (m->pg_private < 0)
		missing(m, DL_CACHE | DL_CACHE_PRIVATE, "NUMBER(PG_private)");
	if (!m->have_private)
		missing(m, DL_FREE, "OFFSET(page.private)");
	if (m->pg_buddy < 0 && !m->have_buddy_type)
		missing(m, DL_FREE, m->have_mapcount ? "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"
						      : "OFFSET(page._mapcount)");
	/* Without these, compound pages still count, but as their head
	 * page only: fewer pages left out, never a wrong one. */
	if (m->pf->level & m->classes & (DL_CACHE | DL_CACHE_PRIVATE | DL_USER | DL_FREE)) {
		if (!m->head_mask)
			note(m->pf, "compound pages count as their head page only: "
			     "no NUMBER(PG_head_mask) in VMCOREINFO");
		else if (!m->order_in_flags && !m->have_order)
			note(m->pf, "compound pages count as their head page only: "
			     "no OFFSET(page.compound_order) or OFFSET(folio._folio_order) "
			     "in VMCOREINFO");
		if (!m->have_head)
			note(m->pf, "compound tail pages are judged one by one: "
			     "no OFFSET(page.compound_head) in VMCOREINFO");
	}
	return 0;
}

/* ---- where the struct pages are ---------------------------------------- */

static void failure(struct mm *m, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void failure(struct mm *m, const char *fmt, ...)
{
	va_list ap;

	if (m->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
}

/* vtop_read() that remembers the first address it could not read. */
static size_t read_struct(struct mm *m, uint64_t va, unsigned char *buf, size_t len,
			  const char *what)
{
	size_t bad = vtop_read(&m->vt, va, buf, len);

	if (bad)
		failure(m, "%s at 0x%" PRIx64 " is not in the dump or not mapped", what, va);
	return bad;
}

static int memory_model(struct mm *m)
{
	const struct vmcore *vc = m->vc;
	int64_t ssb, mpb;
	uint64_t len, per_root_x, roots_x, page_size = 1ull << m->shift;
	unsigned align;

	if (m->vt.kind == VTOP_NONE) {
		if (vc->ehdr.e_machine == EM_X86_64)
			missing(m, DL_MAX, "usable SYMBOL(init_top_pgt) (the page tables)");
		else if (m->classes & m->pf->level)
			note(m->pf, "only zero pages are excluded: struct pages of %s dumps "
			     "cannot be reached (no page-table walk for it)", vmcore_arch(vc));
		m->classes = 0;
		return -1;
	}
	if (vmcoreinfo_symbol(vc, "mem_section", &m->mem_section) < 0) {
		/* SPARSEMEM_VMEMMAP exports mem_section too; this is for a
		 * kernel that only says where its vmemmap is. */
		if (vmcoreinfo_symbol(vc, "vmemmap", &m->vmemmap) == 0)
			return 0;
		missing(m, DL_MAX, "SYMBOL(mem_section) (FLATMEM is not supported)");
		return -1;
	}
	m->sparse = 1;
	if (vmcoreinfo_size(vc, "mem_section", &m->ms_size) < 0 || m->ms_size < m->ul ||
	    m->ms_size > page_size) {
		missing(m, DL_MAX, "usable SIZE(mem_section)");
		return -1;
	}
	if (vmcoreinfo_offset(vc, "mem_section.section_mem_map", &m->ms_off_map) < 0 ||
	    m->ms_off_map > m->ms_size - m->ul) {
		missing(m, DL_MAX, "usable OFFSET(mem_section.section_mem_map)");
		return -1;
	}
	if (vmcoreinfo_number(vc, "SECTION_SIZE_BITS", &ssb) < 0 || ssb < m->shift || ssb > 48) {
		missing(m, DL_MAX, "usable NUMBER(SECTION_SIZE_BITS)");
		return -1;
	}
	if (vmcoreinfo_number(vc, "MAX_PHYSMEM_BITS", &mpb) < 0 || mpb < ssb || mpb > 64 ||
	    mpb - ssb > 40) {
		missing(m, DL_MAX, "usable NUMBER(MAX_PHYSMEM_BITS)");
		return -1;
	}
	m->section_shift = (unsigned)ssb - m->shift;
	m->nr_sections = 1ull << (mpb - ssb);
	/* SPARSEMEM_EXTREME: roots of a page of sections each; else one
	 * flat array. LENGTH says which (absent: extreme, as makedumpfile). */
	per_root_x = page_size / m->ms_size;
	roots_x = (m->nr_sections + per_root_x - 1) / per_root_x;
	m->extreme = 1;
	if (vmcoreinfo_length(vc, "mem_section", &len) == 0 && len != roots_x) {
		if (len != m->nr_sections) {
			missing(m, DL_MAX, "LENGTH(mem_section) that fits NUMBER(SECTION_SIZE_BITS) "
				"and NUMBER(MAX_PHYSMEM_BITS)");
			return -1;
		}
		m->extreme = 0;
	}
	m->per_root = m->extreme ? per_root_x : 1;
	m->nr_roots = m->extreme ? roots_x : m->nr_sections;
	/* section_mem_map is the section's mem_map minus its first pfn's
	 * offset, with flags in the low bits. Both terms are aligned to a
	 * page and to (pages per section) struct pages, so every bit below
	 * the smaller of the two is a flag, whatever this kernel's flags. */
	align = (unsigned)__builtin_ctzll(m->sz) + m->section_shift;
	if (align > m->shift)
		align = m->shift;
	m->map_mask = ~((1ull << align) - 1);
	m->rootbuf = xmalloc((size_t)(m->per_root * m->ms_size));
	m->cached_root = m->cached_sec = UINT64_MAX;
	return 0;
}

#define SECTION_MARKED_PRESENT	1u
#define SECTION_HAS_MEM_MAP	2u

/* The address struct page 0 would have by section sec's encoding (pfn p's
 * is at base + p * SIZE(page)); -1 when the section has none we can read. */
static int section_base(struct mm *m, uint64_t sec, uint64_t *base)
{
	const unsigned char *ms;
	unsigned char ptr[8];
	uint64_t entry;

	if (!m->sparse) {
		*base = m->vmemmap;
		return 0;
	}
	if (sec == m->cached_sec) {
		*base = m->sec_base;
		return m->sec_ok ? 0 : -1;
	}
	m->cached_sec = sec;
	m->sec_ok = 0;
	if (sec >= m->nr_sections) {
		failure(m, "section %" PRIu64 " is beyond NUMBER(MAX_PHYSMEM_BITS)", sec);
		return -1;
	}
	if (m->extreme) {
		uint64_t root = sec / m->per_root;

		if (root != m->cached_root) {
			uint64_t addr;

			m->cached_root = root;
			m->root_ok = 0;
			if (read_struct(m, m->mem_section + root * m->ul, ptr, m->ul,
					"mem_section root"))
				return -1;
			addr = vmcore_ulong(m->vc, ptr);
			if (!addr) {
				failure(m, "mem_section root %" PRIu64 " is empty", root);
				return -1;
			}
			if (read_struct(m, addr, m->rootbuf, (size_t)(m->per_root * m->ms_size),
					"mem_section"))
				return -1;
			m->root_ok = 1;
		}
		if (!m->root_ok)
			return -1;
		ms = m->rootbuf + (sec % m->per_root) * m->ms_size;
	} else {
		if (read_struct(m, m->mem_section + sec * m->ms_size, m->rootbuf,
				(size_t)m->ms_size, "mem_section"))
			return -1;
		ms = m->rootbuf;
	}
	entry = vmcore_ulong(m->vc, ms + m->ms_off_map);
	if ((entry & (SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP)) !=
	    (SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP)) {
		failure(m, "section %" PRIu64 " has no mem_map", sec);
		return -1;
	}
	m->sec_base = entry & m->map_mask;
	m->sec_ok = 1;
	*base = m->sec_base;
	return 0;
}

/* ---- classification ------------------------------------------------------- */

enum page_class { KEEP, CACHE, CACHE_PRIVATE, USER, FREE, HWPOISON, OFFLINE };

/* Inline loads: this runs once a page of the crashed machine, and
 * vmcore_ulong() is a call per field. */
static inline uint32_t ld32(const struct mm *m, const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return m->swap ? __builtin_bswap32(v) : v;
}

static inline uint64_t ld_ulong(const struct mm *m, const unsigned char *p)
{
	uint64_t v;

	if (m->ul == 4)
		return ld32(m, p);
	memcpy(&v, p, 8);
	return m->swap ? __builtin_bswap64(v) : v;
}

static int test_flag(uint64_t flags, int bit)
{
	return bit >= 0 && (flags >> bit & 1);
}

/* What the page at pfn is, and how many pages (*n) that decides for.
 * pg is its struct page; next the one after it, or NULL. */
static enum page_class classify(const struct mm *m, uint64_t pfn, const unsigned char *pg,
				const unsigned char *next, uint64_t *n)
{
	uint64_t flags = ld_ulong(m, pg + m->off_flags);
	uint64_t mapping = m->have_mapping ? ld_ulong(m, pg + m->off_mapping) : 0;
	uint64_t private = m->have_private ? ld_ulong(m, pg + m->off_private) : 0;
	int32_t mapcount = m->have_mapcount ? (int32_t)ld32(m, pg + m->off_mapcount) : 0;
	unsigned order = 0;
	int hugetlb = 0, slab, cache, anon;

	*n = 1;
	/* A tail page: its head has decided for it, or keeps it. */
	if (m->have_head && (ld_ulong(m, pg + m->off_head) & 1))
		return KEEP;
	if (m->head_mask && (flags & m->head_mask) && next) {
		if (m->order_in_flags) {
			uint64_t flags1 = ld_ulong(m, next + m->off_flags);

			order = flags1 & 0xff;
			hugetlb = m->have_hugetlb_type ? mapcount == m->hugetlb_type
						       : test_flag(flags1, m->pg_hugetlb);
		} else {
			if (m->have_order)
				order = m->order_width == 2 ? vmcore_u16(m->vc, next + m->off_order)
							    : next[m->off_order];
			if (m->have_hugetlb_dtor) {
				unsigned dtor = m->order_width == 2 ? vmcore_u16(m->vc, next + m->off_dtor)
								    : next[m->off_dtor];

				hugetlb = dtor == m->hugetlb_dtor;
			}
		}
		/* Compound pages are aligned to their size. */
		if (order > MAX_COMPOUND_ORDER || (pfn & ((1ull << order) - 1)))
			order = 0;
	}
	slab = test_flag(flags, m->pg_slab) || (m->have_slab_type && mapcount == m->slab_type);

	if (m->want & DL_FREE) {
		if (!slab && (m->have_buddy_type ? mapcount == m->buddy_type
						 : test_flag(flags, m->pg_buddy))) {
			/* A buddy block is aligned to its size too; anything
			 * else is a corrupt struct page: keep it. */
			if (private > m->max_order || (pfn & ((1ull << private) - 1)))
				return KEEP;
			*n = 1ull << private;
			return FREE;
		}
		/* Memory not yet accepted (TDX, SEV-SNP) is free memory in
		 * blocks of the largest order. */
		if (m->have_unaccepted_type && mapcount == m->unaccepted_type &&
		    !(pfn & ((1ull << m->max_order) - 1))) {
			*n = 1ull << m->max_order;
			return FREE;
		}
	}
	*n = 1ull << order;
	/* In the swap cache counts as cache only with PG_swapbacked set:
	 * the bit means something else on pages that are not. */
	cache = test_flag(flags, m->pg_lru) ||
		(test_flag(flags, m->pg_swapcache) &&
		 (m->pg_swapbacked < 0 || test_flag(flags, m->pg_swapbacked)));
	/* Slab pages reuse mapping (slab.slabs since 6.2 can be odd). */
	anon = (mapping & 1) && !slab;
	if ((m->want & DL_CACHE) && cache && !anon && !test_flag(flags, m->pg_private))
		return CACHE;
	if ((m->want & DL_CACHE_PRIVATE) && cache && !anon)
		return test_flag(flags, m->pg_private) ? CACHE_PRIVATE : CACHE;
	if ((m->want & DL_USER) && (anon || hugetlb))
		return USER;
	if (test_flag(flags, m->pg_hwpoison))
		return HWPOISON;
	if (m->have_offline_type && !slab && mapcount == m->offline_type)
		return OFFLINE;
	*n = 1;
	return KEEP;
}

/* Set bits [a, b); how many were not set yet. */
static uint64_t set_bits(uint64_t *bm, uint64_t a, uint64_t b)
{
	uint64_t count = 0;

	while (a < b) {
		unsigned lo = a % 64;
		uint64_t span = b - a < 64 - lo ? b - a : 64 - lo;
		uint64_t mask = (span == 64 ? ~0ull : ((1ull << span) - 1)) << lo;

		count += (uint64_t)__builtin_popcountll(mask & ~bm[a / 64]);
		bm[a / 64] |= mask;
		a += span;
	}
	return count;
}

/* Leave out [pfn, end): the pages of it that are in the dump, range r on. */
static void exclude(struct mm *m, size_t r, uint64_t pfn, uint64_t end, uint64_t *count)
{
	for (; r < m->nranges && m->ranges[r].start < end; r++) {
		uint64_t a = pfn > m->ranges[r].start ? pfn : m->ranges[r].start;
		uint64_t b = end < m->ranges[r].end ? end : m->ranges[r].end;

		if (a < b)
			*count += set_bits(m->pf->excluded, a, b);
	}
}

static void walk(struct mm *m, unsigned char *buf)
{
	struct pagefilter *pf = m->pf;
	uint64_t *counts[] = {
		[CACHE] = &pf->pages_cache, [CACHE_PRIVATE] = &pf->pages_cache_private,
		[USER] = &pf->pages_user, [FREE] = &pf->pages_free,
		[HWPOISON] = &pf->pages_hwpoison, [OFFLINE] = &pf->pages_offline,
	};
	uint64_t next = 0;	/* pfns below it are decided */

	for (size_t r = 0; r < m->nranges; r++) {
		uint64_t pfn = m->ranges[r].start, end = m->ranges[r].end;

		while (pfn < end) {
			uint64_t sec_end = UINT64_MAX, cend, base, npfn;
			size_t extra, bad;

			if (pfn < next) {
				pfn = next < end ? next : end;
				continue;
			}
			if (m->sparse)
				sec_end = ((pfn >> m->section_shift) + 1) << m->section_shift;
			cend = (pfn | (CHUNK_PFNS - 1)) + 1;
			if (cend > sec_end)
				cend = sec_end;
			if (cend > end)
				cend = end;
			npfn = cend - pfn;
			if (section_base(m, pfn >> m->section_shift, &base) < 0) {
				pf->unreadable += npfn;
				pfn = cend;
				continue;
			}
			bad = read_struct(m, base + pfn * m->sz, buf, (size_t)(npfn * m->sz),
					  "struct page");
			if (bad) {
				uint64_t pages = (bad + m->sz - 1) / m->sz;

				pf->unreadable += pages < npfn ? pages : npfn;
			}
			/* And the struct page after the last: a compound
			 * head's order is there. Not ours to count if it
			 * cannot be read: it may describe a hole. */
			extra = cend < sec_end && cend < pf->max_pfn;
			if (extra)
				vtop_read(&m->vt, base + cend * m->sz, buf + npfn * m->sz,
					   (size_t)m->sz);
			for (uint64_t i = 0; i < npfn; i++) {
				uint64_t p = pfn + i, n;
				enum page_class c;

				if (p < next)
					continue;
				c = classify(m, p, buf + i * m->sz,
					     i + 1 < npfn + extra ? buf + (i + 1) * m->sz : NULL, &n);
				if (c == KEEP)
					continue;
				if (n > pf->max_pfn - p)
					n = pf->max_pfn - p;
				exclude(m, r, p, p + n, counts[c]);
				next = p + n;
			}
			pfn = cend;
		}
	}
}

/* ---- the filter ------------------------------------------------------------ */

static int cmp_range(const void *a, const void *b)
{
	const struct pfn_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The pfns the PT_LOADs hold (a partial page counts), below cap. */
static void dump_ranges(struct mm *m, uint64_t cap)
{
	const struct vmcore *vc = m->vc;
	size_t n = 0;

	m->ranges = xcalloc(vc->nloads ? vc->nloads : 1, sizeof(*m->ranges));
	for (size_t i = 0; i < vc->nloads; i++) {
		const struct vmcore_segment *s = &vc->loads[i];
		uint64_t start = s->paddr >> m->shift, end;

		if (!s->memsz)
			continue;
		end = s->paddr + s->memsz - 1 < s->paddr ? UINT64_MAX
							 : s->paddr + s->memsz - 1;
		end = (end >> m->shift) + 1;
		if (start >= cap)
			continue;
		m->ranges[n].start = start;
		m->ranges[n].end = end < cap ? end : cap;
		n++;
	}
	qsort(m->ranges, n, sizeof(*m->ranges), cmp_range);
	m->nranges = 0;
	for (size_t i = 0; i < n; i++) {
		struct pfn_range *last = m->nranges ? &m->ranges[m->nranges - 1] : NULL;

		if (last && m->ranges[i].start <= last->end) {
			if (m->ranges[i].end > last->end)
				last->end = m->ranges[i].end;
		} else {
			m->ranges[m->nranges++] = m->ranges[i];
		}
	}
	m->pf->max_pfn = m->nranges ? m->ranges[m->nranges - 1].end : 0;
}

static uint64_t dump_pages(const struct mm *m)
{
	uint64_t total = 0;

	for (size_t i = 0; i < m->nranges; i++)
		total += m->ranges[i].end - m->ranges[i].start;
	return total;
}

static uint64_t vmcore_page_size(const struct vmcore *vc)
{
	char val[32];
	uint64_t ps;

	if (vmcoreinfo_get(vc, "PAGESIZE", val, sizeof(val)) == 0 && parse_u64(val, &ps) == 0 &&
	    ps >= 1024 && ps <= (1u << 20) && !(ps & (ps - 1)))
		return ps;
	return 4096;
}

int pagefilter_build(const struct vmcore *vc, unsigned level, struct pagefilter *pf)
{
	struct mm m;
	unsigned char *buf = NULL;
	uint64_t cap;
	int64_t mpb;
	char names[64];
	int rc = 0;

	memset(pf, 0, sizeof(*pf));
	memset(&m, 0, sizeof(m));
	pf->level = level & DL_MAX;
	pf->applied = level & DL_ZERO;
	pf->page_size = vmcore_page_size(vc);
	m.vc = vc;
	m.pf = pf;
	m.shift = (unsigned)__builtin_ctzll(pf->page_size);
	m.swap = (vc->data == ELFDATA2MSB) != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	m.classes = pf->level & (DL_CACHE | DL_CACHE_PRIVATE | DL_USER | DL_FREE);
	/* 1 bit a page up to the highest the kernel can address (52 bits
	 * without VMCOREINFO): a PT_LOAD beyond it is kept whole. */
	cap = 1ull << (52 - m.shift);
	if (vmcoreinfo_number(vc, "MAX_PHYSMEM_BITS", &mpb) == 0 && mpb > m.shift && mpb < 52)
		cap = 1ull << (mpb - m.shift);
	dump_ranges(&m, cap);

	if (!vc->vmcoreinfo) {
		if (m.classes)
			note(pf, "%s pages not excluded: the dump has no VMCOREINFO",
			     class_names(m.classes, names, sizeof(names)));
		goto out;
	}
	vtop_init(&m.vt, vc);
	if (page_keys(&m) < 0 || memory_model(&m) < 0)
		goto out;
	m.want = m.classes & pf->level;
	/* With nothing asked, still look for poisoned and offline pages, as
	 * makedumpfile does; silently, as nobody asked. */
	if (!m.want && m.pg_hwpoison < 0 && !m.have_offline_type)
		goto out;
	if (!pf->max_pfn)
		goto done;
	pf->excluded = calloc((size_t)((pf->max_pfn + 63) / 64), sizeof(uint64_t));
	if (!pf->excluded) {
		if (m.want)
			note(pf, "%s pages not excluded: no memory for a bitmap of %" PRIu64 " MiB",
			     class_names(m.want, names, sizeof(names)), pf->max_pfn / 8 >> 20);
		m.want = 0;
		goto out;
	}
	buf = xmalloc((size_t)((CHUNK_PFNS + 1) * m.sz));
	walk(&m, buf);
	if (pf->unreadable && pf->unreadable >= dump_pages(&m)) {
		/* Not one struct page: the kernel's own data is not there,
		 * or (s390x) beyond the identity mapping we translate. */
		if (m.want && m.vt.kind == VTOP_IDENTITY) {
			note(pf, "%s pages not excluded: the struct pages of %s dumps are in "
			     "a vmemmap that is not walked yet (%s)",
			     class_names(m.want, names, sizeof(names)), vmcore_arch(vc), m.why);
		} else if (m.want) {
			note(pf, "%s pages not excluded: no struct page can be read (%s)",
			     class_names(m.want, names, sizeof(names)), m.why);
			rc = -1;
		}
		free(pf->excluded);
		pf->excluded = NULL;
		pf->pages_cache = pf->pages_cache_private = pf->pages_user = pf->pages_free = 0;
		pf->pages_hwpoison = pf->pages_offline = 0;
		m.want = 0;
		goto out;
	}
	if (pf->unreadable && m.want)
		note(pf, "%" PRIu64 " pages kept because their struct pages cannot be read "
		     "(first: %s)", pf->unreadable, m.why);
	pf->walked = 1;
done:
	pf->applied |= m.want;
out:
	free(buf);
	free(m.rootbuf);
	free(m.ranges);
	return rc;
}

void pagefilter_free(struct pagefilter *pf)
{
	free(pf->excluded);
	pf->excluded = NULL;
}
