#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dumpbox.h"
#include "core/kdump.h"
#include "core/notes.h"
#include "core/vaddr.h"
#include "core/vmcore.h"
#include "job/inspect.h"
#include "write/pagefilter.h"

static void copy_field(char *dst, const unsigned char *src)
{
	memcpy(dst, src, UTS_FIELD_LEN);
	dst[UTS_FIELD_LEN] = '\0';
}

static int read_uts(const struct vmcore *vc, uint64_t addr, struct inspect_uts *uts)
{
	unsigned char buf[6 * UTS_FIELD_LEN];

	if (vmcore_read_virt(vc, addr, buf, sizeof(buf)) < 0)
		return -1;
	copy_field(uts->sysname, buf);
	copy_field(uts->nodename, buf + UTS_FIELD_LEN);
	copy_field(uts->release, buf + 2 * UTS_FIELD_LEN);
	copy_field(uts->version, buf + 3 * UTS_FIELD_LEN);
	copy_field(uts->machine, buf + 4 * UTS_FIELD_LEN);
	copy_field(uts->domainname, buf + 5 * UTS_FIELD_LEN);
	return 0;
}

int inspect_uts(const struct vmcore *vc, struct inspect_uts *uts, const char **why)
{
	uint64_t sym, off;
	char release[UTS_FIELD_LEN + 1];

	memset(uts, 0, sizeof(*uts));
	if (!vc->vmcoreinfo) {
		*why = "no VMCOREINFO";
		return -1;
	}
	if (vmcoreinfo_symbol(vc, "init_uts_ns", &sym) < 0) {
		*why = "no SYMBOL(init_uts_ns) in VMCOREINFO";
		return -1;
	}
	if (vmcoreinfo_offset(vc, "uts_namespace.name", &off) == 0) {
		if (off > 65536 || read_uts(vc, sym + off, uts) < 0) {
			*why = "init_uts_ns is not in the dump";
			return -1;
		}
		uts->how = "OFFSET(uts_namespace.name)";
		return 0;
	}
	/* Before 5.11 the offset is not exported, and name followed a
	 * struct kref (4 bytes) at offset 4. A guess, so it counts only if
	 * what it finds is this kernel's own release string. */
	if (vmcoreinfo_get(vc, "OSRELEASE", release, sizeof(release)) == 0 &&
	    read_uts(vc, sym + 4, uts) == 0 && strcmp(uts->sysname, "Linux") == 0 &&
	    strcmp(uts->release, release) == 0) {
		uts->how = "offset 4 (the layout before Linux 5.11, checked against OSRELEASE)";
		return 0;
	}
	memset(uts, 0, sizeof(*uts));
	*why = "OFFSET(uts_namespace.name) is not in VMCOREINFO (Linux < 5.11)";
	return -1;
}

uint64_t inspect_dumped_bytes(const struct vmcore *vc)
{
	uint64_t total = 0;

	if (vc->kdump)
		return vc->kdump->pages_dumped * vc->kdump->page_size;

	for (size_t i = 0; i < vc->nloads; i++)
		total += vc->loads[i].filesz;
	return total;
}

/* A page at a time: a kdump file's pages, or a virtual address through
 * the page tables. */
static int covered_page(const struct vmcore *vc, uint64_t addr, uint64_t len, int virt,
			uint64_t *gap)
{
	uint64_t pa = addr, g;

	*gap = addr;
	if (virt && vmcore_virt_to_phys(vc, addr, &pa) < 0) {
		errno = ERANGE;
		return -1;
	}
	if (vc->kdump) {
		struct kdump_page_desc d;

		return kdump_page_desc(vc->kdump, pa / vc->kdump->page_size, &d);
	}
	if (inspect_covered(vc, pa, len, 0, &g) < 0) {
		*gap = addr + (g - pa);
		return -1;
	}
	return 0;
}

int inspect_covered(const struct vmcore *vc, uint64_t addr, uint64_t len, int virt,
		    uint64_t *gap)
{
	while (len) {
		const struct vmcore_segment *s = vc->kdump ? NULL : vmcore_segment_at(vc, addr, virt);
		uint64_t rel, chunk;

		if (!s && (virt || vc->kdump)) {
			uint64_t page = virt || !vc->kdump ? 4096 : vc->kdump->page_size;

			chunk = page - addr % page < len ? page - addr % page : len;
			if (covered_page(vc, addr, chunk, virt, gap) < 0)
				return -1;
			if (len == chunk)
				break;
			addr += chunk;
			len -= chunk;
			continue;
		}
		if (!s) {
			*gap = addr;
			errno = ERANGE;
			return -1;
		}
		rel = addr - (virt ? s->vaddr : s->paddr);
		chunk = s->memsz - rel < len ? s->memsz - rel : len;
		if (rel < s->filesz) {
			/* s->offset + s->filesz does not overflow: the reader
			 * checked it. */
			uint64_t in_file = s->filesz - rel < chunk ? s->filesz - rel : chunk;
			uint64_t start = s->offset + rel, size = vc->win->size;

			if (start + in_file > size) {
				*gap = addr + (start < size ? size - start : 0);
				errno = EIO;
				return -1;
			}
		}
		addr += chunk;
		len -= chunk;
	}
	return 0;
}

/* ---- verify ------------------------------------------------------------ */

/* Enough lines to say what is wrong; a fuzzed core with a million broken
 * headers gets a count, not a million lines. */
#define VERIFY_MAX_LINES 200

struct verifier {
	const struct vmcore *vc;
	inspect_report_fn report;
	void *arg;
	size_t damage, lines, unshown;
};

static void say(struct verifier *v, enum inspect_severity sev, const char *where,
		uint64_t offset, const char *fmt, ...) PRINTF_LIKE(5, 6);
static void say(struct verifier *v, enum inspect_severity sev, const char *where,
		uint64_t offset, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (sev == INSPECT_DAMAGE)
		v->damage++;
	if (v->lines >= VERIFY_MAX_LINES) {
		v->unshown++;
		return;
	}
	v->lines++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->report(v->arg, sev, where, offset, msg);
}

static const char *ptype_name(uint32_t type)
{
	switch (type) {
	case PT_NULL:	return "PT_NULL";
	case PT_LOAD:	return "PT_LOAD";
	case PT_NOTE:	return "PT_NOTE";
	default:	return "unexpected type";
	}
}

struct range {
	uint64_t start, end;
	size_t phdr;		/* SIZE_MAX: the ELF headers */
};

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

static void range_name(const struct range *r, char *buf, size_t len)
{
	if (r->phdr == SIZE_MAX)
		snprintf(buf, len, "the ELF and program headers");
	else
		snprintf(buf, len, "segment %zu", r->phdr);
}

static void check_overlaps(struct verifier *v, struct range *r, size_t n)
{
	size_t last = 0;

	qsort(r, n, sizeof(*r), by_start);
	for (size_t i = 1; i < n; i++) {
		if (r[i].start < r[last].end) {
			char a[48], b[48];

			range_name(&r[i], a, sizeof(a));
			range_name(&r[last], b, sizeof(b));
			say(v, INSPECT_DAMAGE, a, r[i].start,
			    "file range 0x%" PRIx64 "-0x%" PRIx64 " overlaps %s (0x%" PRIx64
			    "-0x%" PRIx64 ")", r[i].start, r[i].end, b, r[last].start, r[last].end);
		}
		if (r[i].end > r[last].end)
			last = i;
	}
}

static uint64_t align4(uint64_t x)
{
	return (x + 3) & ~(uint64_t)3;
}

/* Walk a PT_NOTE's raw bytes as the dumped machine wrote them (not as
 * libelf converted them), so every note is checked where it is. */
static void check_notes(struct verifier *v, size_t phdr, uint64_t offset, uint64_t size,
			size_t *index)
{
	const struct vmcore *vc = v->vc;
	unsigned char *seg;
	uint64_t off = 0;
	char where[96];
	ssize_t got;

	if (phdr == SIZE_MAX)
		snprintf(where, sizeof(where), "kdump notes");
	else
		snprintf(where, sizeof(where), "segment %zu (PT_NOTE)", phdr);
	if (size > VMCORE_MAX_NOTES) {
		say(v, INSPECT_DAMAGE, where, offset, "notes (%" PRIu64 " bytes) are absurdly large",
		    size);
		return;
	}
	seg = xmalloc(size ? (size_t)size : 1);
	got = window_pread(vc->win, seg, (size_t)size, offset);
	if (got < 0 || (uint64_t)got != size) {
		say(v, INSPECT_DAMAGE, where, offset, "cannot read the notes: %s",
		    got < 0 ? strerror(errno) : "past the end of the file");
		free(seg);
		return;
	}
	while (off < size) {
		uint32_t namesz, descsz, type;
		uint64_t name_end, desc_end;

		if (size - off < 12) {
			int junk = 0;

			for (uint64_t i = off; i < size; i++)
				junk |= seg[i];
			if (junk)
				say(v, INSPECT_DAMAGE, where, offset + off,
				    "%" PRIu64 " stray bytes after the last note", size - off);
			break;
		}
		namesz = vmcore_u32(vc, seg + off);
		descsz = vmcore_u32(vc, seg + off + 4);
		type = vmcore_u32(vc, seg + off + 8);
		snprintf(where, sizeof(where), "note %zu (type 0x%x)", *index, type);
		name_end = off + 12 + (uint64_t)namesz;
		desc_end = align4(name_end) + (uint64_t)descsz;
		if (name_end > size) {
			say(v, INSPECT_DAMAGE, where, offset + off,
			    "name size %" PRIu32 " runs past the end of its segment (%" PRIu64
			    " bytes left)", namesz, size - off - 12);
			break;
		}
		if (desc_end > size) {
			say(v, INSPECT_DAMAGE, where, offset + off,
			    "descriptor size %" PRIu32 " runs past the end of its segment (%" PRIu64
			    " bytes left)", descsz,
			    size > align4(name_end) ? size - align4(name_end) : 0);
			break;
		}
		if (namesz && seg[off + 12 + namesz - 1] != '\0')
			say(v, INSPECT_WARNING, where, offset + off, "name is not NUL-terminated");
		(*index)++;
		off = align4(desc_end);
	}
	free(seg);
}

/* The reader hides section headers from libelf (vc->ehdr has none): look
 * at the bytes in the file to say they were there. */
static void check_sections(struct verifier *v)
{
	const struct vmcore *vc = v->vc;
	int is64 = vc->elfclass == ELFCLASS64;
	unsigned char h[sizeof(Elf64_Ehdr)];
	size_t len = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	uint64_t shoff;
	unsigned shnum;

	if (window_pread(vc->win, h, len, 0) != (ssize_t)len || vc->ehdr.e_phnum == PN_XNUM)
		return;
	shoff = is64 ? vmcore_u64(vc, h + 40) : vmcore_u32(vc, h + 32);
	shnum = vmcore_u16(vc, h + (is64 ? 60 : 48));
	if (shoff || shnum)
		say(v, INSPECT_WARNING, "ELF header", 0,
		    "section header table (%u entries at offset 0x%" PRIx64 ") ignored: "
		    "a core needs none", shnum, shoff);
}

/* What every vmcore needs, whatever its format; the count of lines left
 * out. */
static size_t verify_end(struct verifier *v)
{
	const struct vmcore *vc = v->vc;

	if (!notes_cpus(vc))
		say(v, INSPECT_WARNING, "notes", INSPECT_NO_OFFSET,
		    "no NT_PRSTATUS note: no CPU registers");
	if (!vc->vmcoreinfo) {
		say(v, INSPECT_WARNING, "notes", INSPECT_NO_OFFSET,
		    "no VMCOREINFO note (as in QEMU dump-guest-memory cores): no kernel "
		    "release, symbols or log");
	} else if (vc->vmcoreinfo_in_memory) {
		char msg[640];

		/* Others (crash, makedumpfile) look in the notes only. */
		snprintf(msg, sizeof(msg), "no VMCOREINFO note (as in QEMU dump-guest-memory "
			 "cores); the kernel's, from %s, is used", vc->vmcoreinfo_src);
		say(v, INSPECT_WARNING, "notes", INSPECT_NO_OFFSET, "%s", msg);
	} else {
		char release[128];

		if (vmcoreinfo_get(vc, "OSRELEASE", release, sizeof(release)) < 0)
			say(v, INSPECT_WARNING, "VMCOREINFO", INSPECT_NO_OFFSET,
			    "no OSRELEASE line");
	}
	if (v->unshown) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%zu more findings not shown", v->unshown);
		v->report(v->arg, v->damage ? INSPECT_DAMAGE : INSPECT_WARNING, "verify",
			  INSPECT_NO_OFFSET, msg);
	}
	return v->damage;
}

/* A kdump-compressed file: the headers kdump_open() took, the notes, and
 * every dumped page, read and decompressed. */
static size_t verify_kdump(struct verifier *v)
{
	struct kdump *kd = v->vc->kdump;
	const struct kdump_header *h = &kd->h;
	unsigned char *page = xmalloc(kd->page_size);
	uint64_t missing = 0;
	size_t note_index = 0;

	if (h->header_version != KDUMP_HEADER_VERSION)
		say(v, INSPECT_WARNING, "kdump header", 0, "header version %" PRId32 ", not %d",
		    h->header_version, KDUMP_HEADER_VERSION);
	if (!strcmp(kdump_compression(kd), "unknown"))
		say(v, INSPECT_WARNING, "kdump header", 0, "status 0x%" PRIx32 " names no codec "
		    "(pages say their own)", h->status);
	if (kd->dumped_not_ram)
		say(v, INSPECT_WARNING, "bitmaps", kd->off_bitmap, "%" PRIu64 " dumped pages are "
		    "not RAM by the 1st bitmap", kd->dumped_not_ram);
	if (h->size_note)
		check_notes(v, SIZE_MAX, h->offset_note, h->size_note, &note_index);
	if (kd->desc_end > v->vc->win->size && !kd->incomplete)
		say(v, INSPECT_DAMAGE, "page descriptors", kd->off_desc, "the table of %" PRIu64
		    " descriptors ends at 0x%" PRIx64 ", past the end of the file (0x%" PRIx64
		    " bytes): truncated", kd->pages_dumped, kd->desc_end, v->vc->win->size);
	for (uint64_t pfn = kdump_next_dumped(kd, 0); pfn != UINT64_MAX;
	     pfn = kdump_next_dumped(kd, pfn + 1)) {
		if (kdump_read_page(kd, pfn, page) == 0)
			continue;
		if (errno == ERANGE) {
			missing++;
			continue;
		}
		say(v, INSPECT_DAMAGE, "page data", INSPECT_NO_OFFSET, "%s", kd->err.msg);
	}
	if (kd->incomplete)
		say(v, INSPECT_WARNING, "kdump header", 0, "marked INCOMPLETE by the dump tool "
		    "(the target was full): %" PRIu64 " of %" PRIu64 " dumped pages are missing",
		    missing, kd->pages_dumped);
	free(page);
	return verify_end(v);
}

size_t inspect_verify(const struct vmcore *vc, inspect_report_fn report, void *arg)
{
	struct verifier v = { vc, report, arg, 0, 0, 0 };
	const GElf_Ehdr *eh = &vc->ehdr;
	uint64_t fsize = vc->win->size;
	size_t ehsize = vc->elfclass == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t nranges = 0, note_index = 0, nloads = 0;
	struct range *ranges;

	if (vc->kdump)
		return verify_kdump(&v);
	ranges = xcalloc(vc->nphdr + 2, sizeof(*ranges));
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		say(&v, INSPECT_DAMAGE, "ELF header", 0, "ELF version %u/%u, expected 1",
		    eh->e_ident[EI_VERSION], (unsigned)eh->e_version);
	if (eh->e_ehsize != ehsize)
		say(&v, INSPECT_WARNING, "ELF header", 0,
		    "e_ehsize is %u, not %zu (QEMU's dump-guest-memory writes 8): ignored",
		    eh->e_ehsize, ehsize);
	check_sections(&v);
	ranges[nranges++] = (struct range){ 0, ehsize, SIZE_MAX };
	ranges[nranges++] = (struct range){ eh->e_phoff,
					    eh->e_phoff + (uint64_t)vc->nphdr * eh->e_phentsize,
					    SIZE_MAX };

	for (size_t i = 0; i < vc->nphdr; i++) {
		char where[64];
		GElf_Phdr ph;
		uint64_t end;

		snprintf(where, sizeof(where), "segment %zu", i);
		if (!gelf_getphdr(vc->elf, (int)i, &ph)) {
			say(&v, INSPECT_DAMAGE, where, INSPECT_NO_OFFSET, "unreadable program header: %s",
			    elf_errmsg(-1));
			continue;
		}
		snprintf(where, sizeof(where), "segment %zu (%s)", i, ptype_name(ph.p_type));
		end = ph.p_offset + ph.p_filesz;	/* the reader refused overflows */
		if (ph.p_type == PT_LOAD) {
			nloads++;
			if (ph.p_filesz > ph.p_memsz)
				say(&v, INSPECT_DAMAGE, where, ph.p_offset,
				    "p_filesz 0x%" PRIx64 " is larger than p_memsz 0x%" PRIx64,
				    (uint64_t)ph.p_filesz, (uint64_t)ph.p_memsz);
		} else if (ph.p_type != PT_NOTE && ph.p_type != PT_NULL) {
			say(&v, INSPECT_WARNING, where, ph.p_offset,
			    "segment type 0x%" PRIx32 " has no place in a vmcore: ignored", ph.p_type);
		}
		if (ph.p_type == PT_NULL || !ph.p_filesz)
			continue;
		if (ph.p_offset >= fsize)
			say(&v, INSPECT_DAMAGE, where, ph.p_offset,
			    "data at 0x%" PRIx64 "-0x%" PRIx64 " starts past the end of the file "
			    "(0x%" PRIx64 " bytes)", (uint64_t)ph.p_offset, end, fsize);
		else if (end > fsize)
			say(&v, INSPECT_DAMAGE, where, ph.p_offset,
			    "data at 0x%" PRIx64 "-0x%" PRIx64 " is cut off: the file ends at 0x%"
			    PRIx64 ", %" PRIu64 " bytes missing", (uint64_t)ph.p_offset, end, fsize,
			    end - fsize);
		else if (ph.p_type == PT_NOTE)
			check_notes(&v, i, ph.p_offset, ph.p_filesz, &note_index);
		ranges[nranges++] = (struct range){ ph.p_offset, end, i };
	}
	check_overlaps(&v, ranges, nranges);
	free(ranges);

	if (!nloads)
		say(&v, INSPECT_DAMAGE, "program headers", eh->e_phoff,
		    "no PT_LOAD: the core holds no memory");
	return verify_end(&v);
}

/* ---- pages ------------------------------------------------------------- */

/* Pages read at once when looking for zero pages. */
#define ZERO_RUN 256u

struct pfn_span {
	uint64_t start, end;
};

static int cmp_span(const void *a, const void *b)
{
	const struct pfn_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The pfns the PT_LOADs hold, sorted and merged (a partial page counts). */
static size_t dump_spans(const struct vmcore *vc, uint64_t page_size, struct pfn_span **out)
{
	struct pfn_span *s = xcalloc(vc->nloads ? vc->nloads : 1, sizeof(*s));
	size_t n = 0, m = 0;

	for (size_t i = 0; i < vc->nloads; i++) {
		const struct vmcore_segment *l = &vc->loads[i];
		uint64_t last = l->paddr + l->memsz - 1;

		if (!l->memsz)
			continue;
		if (last < l->paddr)
			last = UINT64_MAX;
		s[n].start = l->paddr / page_size;
		s[n++].end = last / page_size + 1;
	}
	qsort(s, n, sizeof(*s), cmp_span);
	for (size_t i = 0; i < n; i++) {
		if (m && s[i].start <= s[m - 1].end) {
			if (s[i].end > s[m - 1].end)
				s[m - 1].end = s[i].end;
		} else {
			s[m++] = s[i];
		}
	}
	*out = s;
	return m;
}


/* Zero pages among those the filter keeps, read ZERO_RUN at a time (a
 * page that cannot be read is not a zero page). */
static uint64_t count_zero(const struct vmcore *vc, const struct pagefilter *pf,
			   const struct pfn_span *s, size_t n)
{
	uint64_t ps = pf->page_size, zero = 0;
	unsigned char *buf = xmalloc((size_t)(ZERO_RUN * ps));

	for (size_t i = 0; i < n; i++) {
		uint64_t pfn = s[i].start;

		while (pfn < s[i].end) {
			uint64_t run = 0;

			if (pagefilter_excluded(pf, pfn)) {
				pfn++;
				continue;
			}
			while (run < ZERO_RUN && pfn + run < s[i].end &&
			       !pagefilter_excluded(pf, pfn + run))
				run++;
			if (pfn <= UINT64_MAX / ps - run &&
			    vmcore_read_phys(vc, pfn * ps, buf, (size_t)(run * ps)) == 0) {
				for (uint64_t k = 0; k < run; k++)
					zero += buf_is_zero(buf + k * ps, (size_t)ps);
			} else {
				/* One by one: a page at a segment's edge or
				 * cut off by a truncated file fails alone. */
				for (uint64_t k = 0; k < run; k++)
					if (pfn + k <= UINT64_MAX / ps &&
					    vmcore_read_phys(vc, (pfn + k) * ps, buf, (size_t)ps) == 0)
						zero += buf_is_zero(buf, (size_t)ps);
			}
			pfn += run;
		}
	}
	free(buf);
	return zero;
}

int inspect_pages(const struct vmcore *vc, unsigned level, struct inspect_pages *r)
{
	struct pagefilter *pf = &r->pf;
	struct pfn_span *spans;
	size_t nspans;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = pagefilter_build(vc, level, pf);
	nspans = dump_spans(vc, pf->page_size, &spans);
	for (size_t i = 0; i < nspans; i++)
		r->total += spans[i].end - spans[i].start;
	if (pf->applied & DL_ZERO)
		r->zero = count_zero(vc, pf, spans, nspans);
	r->excluded = pf->pages_cache + pf->pages_cache_private + pf->pages_user +
		      pf->pages_free + pf->pages_hwpoison + pf->pages_offline + r->zero;
	free(spans);
	return rc;
}
