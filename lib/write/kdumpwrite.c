/* dump_vmcore() for DUMP_FORMAT_KDUMP: an ELF core (or a kdump file:
 * vmcore_open() reads both) in, makedumpfile's kdump-compressed format
 * (lib/core/kdump.h) out, through the same targets as the ELF copy.
 *
 * Pages: every pfn with file data in a PT_LOAD (the 1st bitmap), minus
 * what the page filter excludes (the 2nd bitmap), each with a descriptor.
 * Zero pages keep their descriptor and all point at one stored zero page
 * (with DL_ZERO at the start of the data, as makedumpfile does it, so our
 * file and its own are the same bytes): crash refuses to read a page
 * missing from the 2nd bitmap, and kernels have zero pages worth reading
 * (.bss). So DL_ZERO changes nothing but the header's dump_level.
 *
 * Order of writes (what a cut leaves behind never looks complete):
 *   begin; block 0 as zeros (an older header there must not survive);
 *   sub header and notes; 1st bitmap; the 2nd bitmap as zeros (so that
 *   a full target still has room for it); page data appended in pfn
 *   order, each descriptor written after its data, and a block of the
 *   2nd bitmap once its descriptors are out; sync; block 0; finish.
 * A full target stops the pages: the 2nd bitmap then says which pages
 * made it and the header says INCOMPLETE, so crash reads what is there.
 *
 * Threads: the main thread reads batches of pages in pfn order into a
 * fixed ring of slots; workers check for zeros and compress a slot each;
 * the main thread writes finished slots strictly in order. Memory is the
 * ring, a buffer of descriptors and one block of a bitmap: nothing grows
 * with the machine. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/compress.h"
#include "base/dumpbox.h"
#include "core/kdump.h"
#include "core/vaddr.h"
#include "write/dump.h"
#include "write/kdumpwrite.h"
#include "write/pagefilter.h"

#define BATCH		64u	/* pages a slot */
#define MAX_SLOTS	48u
#define MAX_THREADS	64u
#define DESC_BUF	4096u	/* descriptors written at once */
#define MAX_PAGE	65536u

/* Physical [start, end) has file data at off. Sorted, disjoint. */
struct extent {
	uint64_t start, end, off;
};

enum slot_state { SLOT_FREE, SLOT_FILLED, SLOT_BUSY, SLOT_DONE };

struct slot {
	enum slot_state state;
	uint64_t seq;
	unsigned n;
	uint64_t pfn[BATCH];
	uint32_t size[BATCH];	/* stored bytes; 0: a zero page */
	uint32_t flags[BATCH];
	unsigned char *in;	/* n pages */
	unsigned char *out;	/* what is stored, page after page */
	size_t outlen, outcap;
	int codec_errors;
};

struct kw {
	const struct vmcore *vc;
	struct kdump *src;	/* a kdump source: pages read by address */
	struct dump_target *t;
	const struct dump_opts *o;
	int be;
	uint32_t ps;
	enum codec codec;
	uint32_t codec_flag;

	struct extent *ext;
	size_t next;
	/* The candidate walk: extent gi, next pfn gpfn (never goes back,
	 * so a page two extents share is visited once). */
	size_t gi;
	uint64_t gpfn;
	int geof;
	uint64_t back;		/* a candidate handed back (back_set) */
	int back_set;

	uint64_t max_mapnr, ndesc;
	uint32_t sub_blocks, bm_blocks;	/* bm_blocks: each bitmap */
	uint64_t off_bm1, off_bm2, off_desc, off_data;
	unsigned char *notes;	/* the sub header's tail: notes, maybe VMCOREINFO */
	size_t notes_len, blob_len;
	uint64_t vmci_rel, vmci_len;
	int have_vmci;

	/* Output. */
	uint64_t data_end, zero_off;
	unsigned char *descbuf;
	uint64_t *descpfn;
	size_t ndescbuf;
	uint64_t rank;		/* descriptors on the target */
	unsigned char *bm2;	/* one block of the 2nd bitmap */
	uint64_t bm2_block;
	int bm2_dirty;
	unsigned char *zeros;	/* a block of zeros */

	/* Threads. */
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct slot *slots;
	unsigned nslots, nthreads, started;
	pthread_t *tids;
	int quit;

	/* Progress and the HSA. */
	uint64_t pages_done;
	double start, last_progress;
	uint64_t last_shown;
	uint64_t hsa_pfn;
	int hsa_pending;
	int codec_errors;
};

/* ---- the source -------------------------------------------------------- */

static int cmp_extent(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end > y->end ? -1 : x->end < y->end;	/* longer first */
}

/* The PT_LOADs' file data by physical address. The kernel text segment
 * of x86_64 overlaps RAM (same bytes): whatever an earlier extent covers
 * is cut from a later one. */
static void build_extents(struct kw *w)
{
	const struct vmcore *vc = w->vc;
	size_t n = 0;

	w->ext = xcalloc(vc->nloads + 1, sizeof(*w->ext));
	for (size_t i = 0; i < vc->nloads; i++) {
		const struct vmcore_segment *s = &vc->loads[i];

		if (!s->filesz || s->paddr + s->filesz < s->paddr)
			continue;
		/* A kdump source's RAM runs have no file offset: its
		 * pages are read by address (read_pages). */
		w->ext[n++] = (struct extent){ s->paddr, s->paddr + s->filesz, s->offset };
	}
	qsort(w->ext, n, sizeof(*w->ext), cmp_extent);
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		struct extent e = w->ext[i];

		if (out && e.start < w->ext[out - 1].end) {
			uint64_t cut = w->ext[out - 1].end - e.start;

			if (e.end <= w->ext[out - 1].end)
				continue;
			e.start += cut;
			e.off += cut;
		}
		w->ext[out++] = e;
	}
	w->next = out;
	w->max_mapnr = out ? (w->ext[out - 1].end + w->ps - 1) / w->ps : 0;
}

/* A kdump source holds the page (an INCOMPLETE one may lack some it
 * lists in its bitmap). */
static int in_source(struct kw *w, uint64_t pfn)
{
	struct kdump_page_desc d;

	if (!w->src)
		return 1;
	if (!kdump_is_dumped(w->src, pfn))
		return 0;
	return !w->src->incomplete || kdump_page_desc(w->src, pfn, &d) == 0 || errno != ERANGE;
}

/* The next pfn to dump, in order: pfns with file data the filter keeps. */
static int next_candidate(struct kw *w, uint64_t *pfn)
{
	if (w->back_set) {
		w->back_set = 0;
		*pfn = w->back;
		return 1;
	}
	while (w->gi < w->next) {
		const struct extent *e = &w->ext[w->gi];
		uint64_t end = (e->end + w->ps - 1) / w->ps;

		if (w->gpfn < e->start / w->ps)
			w->gpfn = e->start / w->ps;
		for (; w->gpfn < end; w->gpfn++) {
			if (pagefilter_excluded(w->o->filter, w->gpfn) || !in_source(w, w->gpfn))
				continue;
			*pfn = w->gpfn++;
			return 1;
		}
		w->gi++;
	}
	w->geof = 1;
	return 0;
}

/* The first extent that ends after addr. */
static size_t extent_after(const struct kw *w, uint64_t addr)
{
	size_t lo = 0, hi = w->next;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->ext[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* len bytes of the source at off into buf; what cannot be read (an I/O
 * error, a file cut short) is zeros, recorded page by page as the ELF
 * copy records it. */
static void read_source(struct kw *w, unsigned char *buf, size_t len, uint64_t off)
{
	ssize_t n = window_pread(w->vc->win, buf, len, off);

	if (n == (ssize_t)len)
		return;
	for (size_t done = 0; done < len; done += w->ps) {
		size_t b = len - done < w->ps ? len - done : w->ps;

		n = window_pread(w->vc->win, buf + done, b, off + done);
		if (n != (ssize_t)b) {
			memset(buf + done, 0, b);
			dump_add_bad(w->t, off + done, b);
		}
	}
}

/* Pages [pfn, pfn + n) into buf: file data where there is some, zeros
 * between. */
static void read_pages(struct kw *w, uint64_t pfn, unsigned n, unsigned char *buf)
{
	uint64_t pos = pfn * w->ps, end = pos + (uint64_t)n * w->ps;

	if (w->src) {
		/* Page by page: one that does not decompress is one page of
		 * zeros, listed by its physical address. */
		for (unsigned i = 0; i < n; i++, pos += w->ps, buf += w->ps) {
			if (vmcore_read_phys(w->vc, pos, buf, w->ps) < 0) {
				memset(buf, 0, w->ps);
				dump_add_bad(w->t, pos, w->ps);
			}
		}
		return;
	}
	for (size_t i = extent_after(w, pos); i < w->next && pos < end; i++) {
		const struct extent *e = &w->ext[i];
		uint64_t a = e->start > pos ? e->start : pos;
		uint64_t b = e->end < end ? e->end : end;

		if (a >= end)
			break;
		if (a > pos)
			memset(buf + (pos - pfn * w->ps), 0, a - pos);
		read_source(w, buf + (a - pfn * w->ps), b - a, e->off + (a - e->start));
		pos = b;
	}
	if (pos < end)
		memset(buf + (pos - pfn * w->ps), 0, end - pos);
}

/* The next batch of candidates into s: 0 when there is none. */
static unsigned fill_slot(struct kw *w, struct slot *s)
{
	uint64_t pfn;

	s->n = 0;
	while (s->n < BATCH && next_candidate(w, &pfn)) {
		/* The HSA's pages end a batch: it is released after it. */
		if (w->hsa_pending && s->n && pfn >= w->hsa_pfn && s->pfn[s->n - 1] < w->hsa_pfn) {
			w->back = pfn;
			w->back_set = 1;
			break;
		}
		s->pfn[s->n++] = pfn;
	}
	for (unsigned i = 0; i < s->n;) {
		unsigned j = i + 1;

		while (j < s->n && s->pfn[j] == s->pfn[j - 1] + 1)
			j++;
		read_pages(w, s->pfn[i], j - i, s->in + (size_t)i * w->ps);
		i = j;
	}
	return s->n;
}

/* ---- compression --------------------------------------------------------- */

static void compress_slot(struct kw *w, struct slot *s, struct codec_ctx *ctx)
{
	s->outlen = 0;
	for (unsigned i = 0; i < s->n; i++) {
		const unsigned char *p = s->in + (size_t)i * w->ps;
		ssize_t r = 0;

		if (buf_is_zero(p, w->ps)) {
			s->size[i] = 0;
			s->flags[i] = 0;
			continue;
		}
		if (ctx) {
			r = codec_compress(ctx, p, w->ps, s->out + s->outlen, s->outcap - s->outlen);
			if (r < 0)
				s->codec_errors++;
		}
		if (r > 0 && (size_t)r < w->ps) {
			s->size[i] = (uint32_t)r;
			s->flags[i] = w->codec_flag;
		} else {
			memcpy(s->out + s->outlen, p, w->ps);
			s->size[i] = w->ps;
			s->flags[i] = 0;
		}
		s->outlen += s->size[i];
	}
}

static void *worker(void *arg)
{
	struct kw *w = arg;
	struct codec_ctx *ctx = codec_ctx_new(w->codec, w->o->codec_level);

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct slot *s = NULL;

		while (!w->quit) {
			/* The oldest filled slot: the writer waits for it. */
			for (unsigned i = 0; i < w->nslots; i++)
				if (w->slots[i].state == SLOT_FILLED &&
				    (!s || w->slots[i].seq < s->seq))
					s = &w->slots[i];
			if (s)
				break;
			pthread_cond_wait(&w->work, &w->lock);
		}
		if (w->quit)
			break;
		s->state = SLOT_BUSY;
		pthread_mutex_unlock(&w->lock);
		compress_slot(w, s, ctx);
		pthread_mutex_lock(&w->lock);
		s->state = SLOT_DONE;
		pthread_cond_broadcast(&w->done);
	}
	pthread_mutex_unlock(&w->lock);
	if (ctx)
		codec_ctx_free(ctx);
	return NULL;
}

/* ---- the target ------------------------------------------------------- */

static int write_failed(struct kw *w, const char *what, uint64_t off)
{
	return dump_write_failed(w->t, what, off);
}

static int put(struct kw *w, const void *buf, size_t len, uint64_t off)
{
	if (!len)
		return EXIT_OK;
	if (dump_put(w->t, buf, len, off) < 0)
		return write_failed(w, "write", off);
	return EXIT_OK;
}

/* len zero bytes written for real: space the end of the dump needs,
 * reserved before the pages can fill the target. */
static int put_zeros(struct kw *w, uint64_t len, uint64_t off)
{
	while (len) {
		size_t n = len < w->ps ? (size_t)len : w->ps;
		int rc = put(w, w->zeros, n, off);

		if (rc)
			return rc;
		len -= n;
		off += n;
	}
	return EXIT_OK;
}

static int flush_bm2(struct kw *w)
{
	int rc;

	if (!w->bm2_dirty)
		return EXIT_OK;
	rc = put(w, w->bm2, w->ps, w->off_bm2 + w->bm2_block * w->ps);
	if (rc)
		return rc;
	memset(w->bm2, 0, w->ps);
	w->bm2_dirty = 0;
	return EXIT_OK;
}

static int set_bm2(struct kw *w, uint64_t pfn)
{
	uint64_t block = pfn / (8ull * w->ps);
	size_t byte = (size_t)(pfn / 8 % w->ps);

	if (block != w->bm2_block) {
		int rc = flush_bm2(w);

		if (rc)
			return rc;
		w->bm2_block = block;
	}
	w->bm2[byte] |= (unsigned char)(1u << (pfn & 7));
	w->bm2_dirty = 1;
	return EXIT_OK;
}

/* The buffered descriptors, at their rank in the table; only then do
 * their pages count as dumped (2nd bitmap). */
static int flush_desc(struct kw *w)
{
	int rc;

	if (!w->ndescbuf)
		return EXIT_OK;
	rc = put(w, w->descbuf, w->ndescbuf * KDUMP_PAGE_DESC_SIZE,
		 w->off_desc + w->rank * KDUMP_PAGE_DESC_SIZE);
	if (rc)
		return rc;
	for (size_t i = 0; i < w->ndescbuf; i++)
		if ((rc = set_bm2(w, w->descpfn[i])))
			return rc;
	w->rank += w->ndescbuf;
	w->ndescbuf = 0;
	return EXIT_OK;
}

static void progress(struct kw *w, int final)
{
	const struct dump_opts *o = w->o;
	double now = monotonic_seconds();
	uint64_t done = w->pages_done * w->ps;
	char line[128];

	if (!o->progress || !o->progress_secs)
		return;
	if (!final && now - w->last_progress < o->progress_secs)
		return;
	if (final && w->last_shown == done + 1)
		return;
	w->last_progress = now;
	w->last_shown = done + 1;
	dump_format_progress(line, sizeof(line), done, w->ndesc * w->ps, now - w->start);
	fprintf(o->progress, "%s\n", line);
	fflush(o->progress);
}

/* A finished slot, in order: its data appended, its descriptors queued. */
static int write_slot(struct kw *w, struct slot *s)
{
	uint64_t pos;
	int rc;

	w->codec_errors += s->codec_errors;
	s->codec_errors = 0;
	if (!w->zero_off) {
		for (unsigned i = 0; i < s->n; i++) {
			if (s->size[i])
				continue;
			if ((rc = put_zeros(w, w->ps, w->data_end)))
				return rc;
			w->zero_off = w->data_end;
			w->data_end += w->ps;
			break;
		}
	}
	if ((rc = put(w, s->out, s->outlen, w->data_end)))
		return rc;
	pos = w->data_end;
	w->data_end += s->outlen;
	for (unsigned i = 0; i < s->n; i++) {
		struct kdump_page_desc d = { .page_flags = 0 };

		if (s->size[i]) {
			d.offset = (int64_t)pos;
			d.size = s->size[i];
			d.flags = s->flags[i];
			pos += s->size[i];
		} else {
			d.offset = (int64_t)w->zero_off;
			d.size = w->ps;
			d.flags = 0;
			w->t->zero_bytes += w->ps;
		}
		kdump_page_desc_encode(w->be, &d, w->descbuf + w->ndescbuf * KDUMP_PAGE_DESC_SIZE);
		w->descpfn[w->ndescbuf++] = s->pfn[i];
		if (w->ndescbuf == DESC_BUF && (rc = flush_desc(w)))
			return rc;
	}
	w->pages_done += s->n;
	w->t->written = w->data_end;
	progress(w, 0);
	return EXIT_OK;
}

/* ---- the headers ------------------------------------------------------- */

/* Append len bytes of the source at off to the notes. 0, or -1. */
static int add_notes(struct kw *w, uint64_t off, uint64_t len)
{
	const struct vmcore_note *vi = vmcore_find_note(w->vc, "VMCOREINFO", 0);

	if (len > VMCORE_MAX_NOTES - w->notes_len)
		return -1;
	w->notes = xrealloc(w->notes, w->notes_len + len);
	if (window_pread(w->vc->win, w->notes + w->notes_len, len, off) != (ssize_t)len)
		return -1;	/* the reader could not either: nothing to copy */
	/* makedumpfile points offset_vmcoreinfo at the note's text. */
	if (vi && vi->offset >= off && vi->offset - off < len) {
		uint64_t rel = w->notes_len + (vi->offset - off) + 12 + ((vi->namesz + 3ull) & ~3ull);

		if (rel + vi->descsz <= w->notes_len + len) {
			w->vmci_rel = rel;
			w->vmci_len = vi->descsz;
			w->have_vmci = 1;
		}
	}
	w->notes_len += len;
	return 0;
}

/* The notes as they are in the source (the dumped machine's byte order):
 * every PT_NOTE, or a kdump source's copy. VMCOREINFO the source keeps
 * apart (QEMU's kdump files) follows them, outside size_note. */
static void read_notes(struct kw *w)
{
	const struct vmcore *vc = w->vc;

	if (w->src && w->src->h.size_note) {
		add_notes(w, w->src->h.offset_note, w->src->h.size_note);
	} else {
		for (size_t i = 0; vc->elf && i < vc->nphdr; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(vc->elf, (int)i, &ph) && ph.p_type == PT_NOTE &&
			    ph.p_filesz && add_notes(w, ph.p_offset, ph.p_filesz) < 0)
				break;
		}
	}
	w->blob_len = w->notes_len;
	if (!w->have_vmci && vc->vmcoreinfo && vc->vmcoreinfo_len) {
		w->notes = xrealloc(w->notes, w->notes_len + vc->vmcoreinfo_len);
		memcpy(w->notes + w->notes_len, vc->vmcoreinfo, vc->vmcoreinfo_len);
		w->vmci_rel = w->notes_len;
		w->vmci_len = vc->vmcoreinfo_len;
		w->have_vmci = 1;
		w->blob_len += vc->vmcoreinfo_len;
	}
}

static void set_uts(char *dst, const char *src)
{
	size_t n = strnlen(src, KDUMP_UTS_LEN - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* utsname as makedumpfile fills it: the crashed kernel's init_uts_ns;
 * without it, what VMCOREINFO and the ELF header say. */
static void fill_utsname(struct kw *w, struct kdump_header *h)
{
	const struct vmcore *vc = w->vc;
	char release[KDUMP_UTS_LEN] = "";
	uint64_t sym, off;
	char uts[6 * KDUMP_UTS_LEN];

	set_uts(h->utsname[0], "Linux");
	set_uts(h->utsname[4], vmcore_arch(vc));
	if (vmcoreinfo_get(vc, "OSRELEASE", release, sizeof(release)) == 0)
		set_uts(h->utsname[2], release);
	if (vmcoreinfo_symbol(vc, "init_uts_ns", &sym) < 0)
		return;
	if (vmcoreinfo_offset(vc, "uts_namespace.name", &off) < 0)
		off = 4;	/* before 5.11: struct kref, then the name */
	if (vmcore_read_virt(vc, sym + off, uts, sizeof(uts)) < 0)
		return;
	for (int i = 0; i < 6; i++)
		uts[(i + 1) * KDUMP_UTS_LEN - 1] = '\0';
	/* Only what is plainly the same kernel's: the release must match. */
	if (release[0] && strcmp(uts + 2 * KDUMP_UTS_LEN, release) != 0)
		return;
	for (int i = 0; i < 6; i++)
		if (uts[i * KDUMP_UTS_LEN])
			set_uts(h->utsname[i], uts + i * KDUMP_UTS_LEN);
}

static void fill_header(struct kw *w, struct kdump_header *h, int incomplete)
{
	const struct vmcore *vc = w->vc;
	const struct dump_opts *o = w->o;
	char val[32];
	int64_t pb;
	unsigned applied = DL_ZERO | (o->filter ? o->filter->applied : 0);

	memset(h, 0, sizeof(*h));
	h->big_endian = w->be;
	h->header_version = KDUMP_HEADER_VERSION;
	fill_utsname(w, h);
	if (vmcoreinfo_get(vc, "CRASHTIME", val, sizeof(val)) == 0)
		h->tv_sec = strtoll(val, NULL, 10);
	h->status = w->codec_flag | (incomplete ? KDUMP_STATUS_INCOMPLETE : 0);
	h->block_size = (int32_t)w->ps;
	h->sub_hdr_size = (int32_t)w->sub_blocks;
	h->bitmap_blocks = 2 * w->bm_blocks;
	h->max_mapnr = w->max_mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)w->max_mapnr;
	for (size_t i = 0; i < vc->nnotes; i++)
		if (vc->notes[i].type == NT_PRSTATUS && strcmp(vc->notes[i].name, "CORE") == 0)
			h->nr_cpus++;
	if (vmcoreinfo_number(vc, "phys_base", &pb) == 0)
		h->phys_base = (uint64_t)pb;
	else if (w->src)
		h->phys_base = w->src->h.phys_base;
	/* What the source had left out is still left out. */
	h->dump_level = (int32_t)(o->dump_level & applied) | (w->src ? w->src->h.dump_level : 0);
	if (w->notes_len) {
		h->offset_note = w->ps + KDUMP_SUBHEADER_SIZE;
		h->size_note = w->notes_len;
	}
	if (w->have_vmci) {
		h->offset_vmcoreinfo = w->ps + KDUMP_SUBHEADER_SIZE + w->vmci_rel;
		h->size_vmcoreinfo = w->vmci_len;
	}
	h->max_mapnr_64 = w->max_mapnr;
}

/* Block 1 on: the sub header and the notes, padded to whole blocks. */
static int write_subheader(struct kw *w)
{
	struct kdump_header h;
	size_t len = (size_t)w->sub_blocks * w->ps;
	unsigned char *buf = xcalloc(1, len);
	int rc;

	fill_header(w, &h, 0);
	kdump_subheader_encode(&h, buf);
	if (w->blob_len)
		memcpy(buf + KDUMP_SUBHEADER_SIZE, w->notes, w->blob_len);
	rc = put(w, buf, len, w->ps);
	free(buf);
	return rc;
}

/* The 1st bitmap, a block at a time, from the extents. */
static int write_bm1(struct kw *w)
{
	unsigned char *blk = xmalloc(w->ps);
	uint64_t per = 8ull * w->ps;
	size_t ei = 0;
	int rc = EXIT_OK;

	for (uint64_t b = 0; b < w->bm_blocks && !rc; b++) {
		uint64_t first = b * per, last = first + per;	/* pfns */

		memset(blk, 0, w->ps);
		for (; ei < w->next; ei++) {
			const struct extent *e = &w->ext[ei];
			uint64_t s = e->start / w->ps, t = (e->end + w->ps - 1) / w->ps;

			if (s >= last)
				break;
			if (s < first)
				s = first;
			for (uint64_t p = s; p < t && p < last; p++)
				blk[(p - first) / 8] |= (unsigned char)(1u << (p & 7));
			if (t > last)
				break;	/* the extent goes on in the next block */
		}
		rc = put(w, blk, w->ps, w->off_bm1 + b * w->ps);
	}
	free(blk);
	return rc;
}

static int write_header(struct kw *w, int incomplete)
{
	struct kdump_header h;
	int rc;

	fill_header(w, &h, incomplete);
	memset(w->zeros, 0, w->ps);
	kdump_header_encode(&h, w->zeros);
	rc = put(w, w->zeros, w->ps, 0);
	memset(w->zeros, 0, w->ps);
	return rc;
}

/* ---- the run ------------------------------------------------------------ */

static uint32_t page_size(const struct vmcore *vc)
{
	char val[32];
	uint64_t ps;

	if (vmcoreinfo_get(vc, "PAGESIZE", val, sizeof(val)) == 0 && parse_u64(val, &ps) == 0 &&
	    ps >= 4096 && ps <= 65536 && !(ps & (ps - 1)))
		return (uint32_t)ps;
	return 4096;	/* x86_64 and s390x */
}

/* 0, or -1 for a machine the format cannot describe. */
static int layout(struct kw *w)
{
	uint64_t pfn;

	w->src = w->vc->kdump;
	w->ps = w->src ? w->src->page_size : page_size(w->vc);
	w->be = w->vc->data == ELFDATA2MSB;
	build_extents(w);
	/* Bitmaps our reader (and libkdumpfile) would refuse, or page
	 * buffers no capture kernel has room for. */
	if (w->ps > MAX_PAGE || w->max_mapnr > KDUMP_MAX_BITMAP * 8)
		return -1;
	read_notes(w);
	while (next_candidate(w, &pfn))
		w->ndesc++;
	w->gi = 0;
	w->gpfn = 0;
	w->geof = 0;
	w->sub_blocks = (uint32_t)((KDUMP_SUBHEADER_SIZE + w->blob_len + w->ps - 1) / w->ps);
	w->bm_blocks = (uint32_t)((w->max_mapnr + 8ull * w->ps - 1) / (8ull * w->ps));
	if (!w->bm_blocks)
		w->bm_blocks = 1;
	w->off_bm1 = (1 + (uint64_t)w->sub_blocks) * w->ps;
	w->off_bm2 = w->off_bm1 + (uint64_t)w->bm_blocks * w->ps;
	w->off_desc = w->off_bm2 + (uint64_t)w->bm_blocks * w->ps;
	w->off_data = w->off_desc + w->ndesc * KDUMP_PAGE_DESC_SIZE;
	return 0;
}

uint64_t dump_kdump_size_bound(const struct vmcore *vc, const struct dump_opts *o)
{
	struct dump_target t = { 0 };
	struct kw w = { .vc = vc, .o = o, .t = &t };
	uint64_t bound;

	/* Every page stored as it is, and the shared zero page. */
	bound = layout(&w) < 0 ? 0 : w.off_data + (w.ndesc + 1) * w.ps;
	free(w.ext);
	free(w.notes);
	return bound;
}

static unsigned thread_count(const struct dump_opts *o)
{
	long n = o->threads ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > (long)MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static void start_threads(struct kw *w)
{
	pthread_attr_t attr;

	w->nthreads = w->codec == CODEC_NONE ? 0 : thread_count(w->o);
	w->nslots = w->nthreads ? 2 * w->nthreads + 2 : 1;
	if (w->nslots > MAX_SLOTS)
		w->nslots = MAX_SLOTS;
	w->slots = xcalloc(w->nslots, sizeof(*w->slots));
	for (unsigned i = 0; i < w->nslots; i++) {
		struct slot *s = &w->slots[i];
		size_t bound = codec_bound(w->codec, w->ps);

		s->in = xmalloc((size_t)BATCH * w->ps);
		s->outcap = (size_t)BATCH * w->ps + (bound > w->ps ? bound - w->ps : 0);
		s->out = xmalloc(s->outcap);
	}
	if (!w->nthreads)
		return;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	w->tids = xcalloc(w->nthreads, sizeof(*w->tids));
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (unsigned i = 0; i < w->nthreads; i++) {
		if (pthread_create(&w->tids[i], &attr, worker, w) != 0)
			break;
		w->started++;
	}
	pthread_attr_destroy(&attr);
	/* No thread at all (a capture kernel out of memory): compress in
	 * the main thread, as with one slot. */
	if (!w->started)
		w->nthreads = 0;
}

static void stop_threads(struct kw *w)
{
	if (!w->nthreads)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	pthread_cond_broadcast(&w->work);
	pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; i < w->started; i++)
		pthread_join(w->tids[i], NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->done);
	free(w->tids);
}

static int stopped(struct kw *w)
{
	if (!w->o->stop || !*w->o->stop)
		return 0;
	snprintf(w->t->reason, sizeof(w->t->reason),
		 "stopped by a signal after %" PRIu64 " of %" PRIu64 " bytes",
		 w->pages_done * w->ps, w->ndesc * w->ps);
	return 1;
}

/* The HSA holds the lowest pages: gone as soon as the walk is past it. */
static void maybe_release_hsa(struct kw *w)
{
	uint64_t pfn;

	if (!w->hsa_pending)
		return;
	if (next_candidate(w, &pfn)) {
		w->back = pfn;
		w->back_set = 1;
		if (pfn < w->hsa_pfn)
			return;
	}
	w->hsa_pending = 0;
	if (w->o->release_hsa && w->o->release_hsa(w->o->hsa_arg) < 0)
		warnmsg("releasing the HSA failed (the dump goes on):");
}

/* Read, compress and write every page. */
static int pages(struct kw *w)
{
	uint64_t fill_seq = 0, write_seq = 0;
	int rc = EXIT_OK;

	if (!w->nthreads) {
		struct codec_ctx *ctx = w->codec == CODEC_NONE ? NULL
				       : codec_ctx_new(w->codec, w->o->codec_level);
		struct slot *s = &w->slots[0];

		while (!rc && !stopped(w) && fill_slot(w, s)) {
			maybe_release_hsa(w);
			compress_slot(w, s, ctx);
			rc = write_slot(w, s);
		}
		if (ctx)
			codec_ctx_free(ctx);
		maybe_release_hsa(w);
		return rc ? rc : w->geof ? EXIT_OK : EXIT_INCOMPLETE;
	}
	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct slot *s = NULL;

		for (unsigned i = 0; i < w->nslots; i++)
			if (w->slots[i].state == SLOT_DONE && w->slots[i].seq == write_seq)
				s = &w->slots[i];
		if (s) {
			pthread_mutex_unlock(&w->lock);
			rc = write_slot(w, s);
			pthread_mutex_lock(&w->lock);
			s->state = SLOT_FREE;
			write_seq++;
			if (rc)
				break;
			continue;
		}
		if (!w->geof && !stopped(w)) {
			for (unsigned i = 0; i < w->nslots && !s; i++)
				if (w->slots[i].state == SLOT_FREE)
					s = &w->slots[i];
		}
		if (s) {
			pthread_mutex_unlock(&w->lock);
			unsigned n = fill_slot(w, s);

			maybe_release_hsa(w);
			pthread_mutex_lock(&w->lock);
			if (n) {
				s->seq = fill_seq++;
				s->state = SLOT_FILLED;
				pthread_cond_signal(&w->work);
			}
			continue;
		}
		if (write_seq == fill_seq && (w->geof || (w->o->stop && *w->o->stop)))
			break;
		pthread_cond_wait(&w->done, &w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	if (rc)
		return rc;
	return w->geof ? EXIT_OK : EXIT_INCOMPLETE;
}

/* Everything before the pages: the header blocks (written last, zeros
 * now), the sub-header, both bitmaps' places, and the zero page. */
static int write_prologue(struct kw *w)
{
	int rc = put_zeros(w, w->ps, 0);

	if (!rc)
		rc = write_subheader(w);
	if (!rc)
		rc = write_bm1(w);
	if (!rc)
		rc = put_zeros(w, (uint64_t)w->bm_blocks * w->ps, w->off_bm2);
	/* With zero pages excluded, makedumpfile stores the zero page first:
	 * the same here, so that our files and its own are the same bytes. */
	if (!rc && (w->o->dump_level & DL_ZERO) && w->ndesc) {
		rc = put_zeros(w, w->ps, w->data_end);
		w->zero_off = w->data_end;
		w->data_end += w->ps;
	}
	return rc;
}

/* After the pages (rc: how they went): what was written is kept and
 * described, also when the target is full or a signal came: crash reads
 * an INCOMPLETE dump. The first failure is the one to report. */
static int write_epilogue(struct kw *w, int rc, int reserved)
{
	struct dump_target *t = w->t;
	char reason[sizeof(t->reason)];
	int full = rc == EXIT_INCOMPLETE && reserved, err = t->error;

	memcpy(reason, t->reason, sizeof(reason));
	if (!rc || full) {
		int rc2 = flush_desc(w);

		if (rc2 == EXIT_INCOMPLETE) {
			w->ndescbuf = 0;	/* their pages stay out of the bitmap */
			if (!rc) {
				rc = rc2;
				full = 1;
				memcpy(reason, t->reason, sizeof(reason));
				err = t->error;
			}
			rc2 = EXIT_OK;
		}
		if (!rc2)
			rc2 = flush_bm2(w);
		if (!rc2 && dump_sync(t) < 0)
			rc2 = write_failed(w, "fsync", w->data_end);
		if (!rc2)
			rc2 = write_header(w, rc != EXIT_OK || (w->src && w->src->incomplete));
		if (!rc)
			rc = rc2;
	}
	if (full) {
		memcpy(t->reason, reason, sizeof(reason));
		t->error = err;
	}
	return rc;
}

static void kw_free(struct kw *w)
{
	if (w->slots) {
		for (unsigned i = 0; i < w->nslots; i++) {
			free(w->slots[i].in);
			free(w->slots[i].out);
		}
		free(w->slots);
	}
	free(w->ext);
	free(w->notes);
	free(w->zeros);
	free(w->bm2);
	free(w->descbuf);
	free(w->descpfn);
}

int dump_vmcore_kdump(const struct vmcore *vc, struct dump_target *t, const struct dump_opts *o)
{
	struct kw w = { .vc = vc, .t = t, .o = o };
	int rc, frc, reserved = 0;

	t->written = t->zero_bytes = t->bad_bytes = 0;
	t->nbad = 0;
	t->error = 0;
	t->reason[0] = '\0';
	w.codec = (enum codec)o->codec;
	if (!codec_available(w.codec))
		w.codec = CODEC_NONE;	/* the caller checked; never fail a dump on it */
	w.codec_flag = codec_kdump_flag(w.codec);
	if (layout(&w) < 0) {
		if (w.ps > MAX_PAGE)
			snprintf(t->reason, sizeof(t->reason), "pages of %u bytes: too large", w.ps);
		else
			snprintf(t->reason, sizeof(t->reason), "physical addresses up to %#" PRIx64
				 ": more than the format holds", w.max_mapnr * w.ps);
		rc = EXIT_DAMAGED;
		goto out;
	}
	w.data_end = w.off_data;
	t->size = w.off_data + (w.ndesc + 1) * w.ps;
	w.zeros = xcalloc(1, w.ps);
	w.bm2 = xcalloc(1, w.ps);
	w.descbuf = xmalloc(DESC_BUF * KDUMP_PAGE_DESC_SIZE);
	w.descpfn = xmalloc(DESC_BUF * sizeof(*w.descpfn));
	w.start = w.last_progress = monotonic_seconds();
	if (o->hsa_size) {
		w.hsa_pfn = (o->hsa_size + w.ps - 1) / w.ps;
		w.hsa_pending = w.next && w.ext[0].start < o->hsa_size;
	}

	if (t->ops->begin(t, t->size) < 0) {
		rc = write_failed(&w, "preparing the target", 0);
		goto out;
	}
	rc = write_prologue(&w);
	if (!rc) {
		reserved = 1;
		start_threads(&w);
		rc = pages(&w);
		stop_threads(&w);
	}
	rc = write_epilogue(&w, rc, reserved);
	if (w.codec_errors)
		warnmsg("%s failed on %d pages: they are stored uncompressed",
			codec_name(w.codec), w.codec_errors);
	/* The real end: the file target cuts the file there. */
	t->size = t->written = w.data_end;
	frc = t->ops->finish(t, rc == EXIT_OK, t);
	progress(&w, 1);
	if (frc < 0 && rc == EXIT_OK)
		rc = write_failed(&w, "finishing the dump", t->size);
	if (rc == EXIT_OK && t->nbad) {
		snprintf(t->reason, sizeof(t->reason),
			 "%" PRIu64 " bytes in %zu ranges of the source were unreadable and are zeros",
			 t->bad_bytes, t->nbad);
		rc = EXIT_DAMAGED;
	} else if (rc == EXIT_OK && w.src && w.src->incomplete) {
		snprintf(t->reason, sizeof(t->reason), "the source is an INCOMPLETE dump, "
			 "and so is this copy of it (its header says so)");
		rc = EXIT_INCOMPLETE;
	}
out:
	kw_free(&w);
	return rc;
}
