/* The kdump-compressed reader (lib/core/kdump.h): makedumpfile's, QEMU's and
 * our own files, either byte order. It is fuzzed: every number from the
 * file is checked against the file's size or a fixed bound before it
 * sizes an allocation, an index or a read. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/compress.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "base/window.h"
#include "core/kdump.h"

#define MAX_NOTES	(16u << 20)	/* notes or VMCOREINFO: as vmcore.h's bound */
#define DESC_CACHE	512		/* descriptors read at once (12 KiB) */
#define READAHEAD	(256u << 10)	/* page data read at once */
#define CODEC_BITS	(KDUMP_PAGE_ZLIB | KDUMP_PAGE_LZO | KDUMP_PAGE_SNAPPY | KDUMP_PAGE_ZSTD)

struct kdump_priv {
	pthread_mutex_t lock;
	unsigned char *descs;		/* DESC_CACHE descriptors as in the file */
	uint64_t desc_first, desc_count;
	unsigned char *ra;		/* page data read ahead */
	size_t ra_cap, ra_len;
	uint64_t ra_off;
	unsigned char *page;		/* the last page read, decompressed */
	uint64_t page_pfn;		/* UINT64_MAX: none */
};

#define fail err_fail

/* errno and kd->err for a page that cannot be read: -1. */
#define page_error(kd, errnum, ...) ({ \
	err_set(&(kd)->err, EXIT_DAMAGED, __VA_ARGS__); errno = (errnum); -1; })

/* Set bits of b in [from, to). */
static uint64_t count_bits(const unsigned char *b, uint64_t from, uint64_t to)
{
	uint64_t n = 0, i, end = to >> 3;

	if (from >= to)
		return 0;
	if (from & 7) {
		unsigned first = b[from >> 3] >> (from & 7);

		if ((from >> 3) == end)
			return (uint64_t)__builtin_popcount(first & ((1u << (to - from)) - 1));
		n += (uint64_t)__builtin_popcount(first);
		from = (from | 7) + 1;
	}
	for (i = from >> 3; i + 8 <= end; i += 8) {
		uint64_t w;

		memcpy(&w, b + i, sizeof(w));
		n += (uint64_t)__builtin_popcountll(w);
	}
	for (; i < end; i++)
		n += (uint64_t)__builtin_popcount(b[i]);
	if (to & 7)
		n += (uint64_t)__builtin_popcount(b[end] & ((1u << (to & 7)) - 1));
	return n;
}

/* Clear bits [from, to) of b. */
static void clear_bits(unsigned char *b, uint64_t from, uint64_t to)
{
	while (from < to && (from & 7)) {
		b[from >> 3] &= (unsigned char)~(1u << (from & 7));
		from++;
	}
	if (to - from >= 8) {
		memset(b + (from >> 3), 0, (size_t)((to - from) >> 3));
		from += (to - from) & ~(uint64_t)7;
	}
	for (; from < to; from++)
		b[from >> 3] &= (unsigned char)~(1u << (from & 7));
}

/* The number of dumped pages before pfn: the index of pfn's descriptor
 * when pfn itself is dumped. */
static uint64_t rank_of(const struct kdump *kd, uint64_t pfn)
{
	uint64_t block = pfn / KDUMP_RANK_BITS;

	return kd->rank[block] + count_bits(kd->bitmap2, block * KDUMP_RANK_BITS, pfn);
}

int kdump_is_ram(const struct kdump *kd, uint64_t pfn)
{
	return pfn < kd->max_mapnr && kdump_bit(kd->bitmap1, pfn);
}

int kdump_is_dumped(const struct kdump *kd, uint64_t pfn)
{
	return pfn < kd->max_mapnr && kdump_bit(kd->bitmap2, pfn);
}

uint64_t kdump_next_dumped(const struct kdump *kd, uint64_t pfn)
{
	const unsigned char *b = kd->bitmap2;

	while (pfn < kd->max_mapnr) {
		if (!(pfn & 63) && pfn + 64 <= kd->max_mapnr) {
			uint64_t w;

			memcpy(&w, b + (pfn >> 3), sizeof(w));
			if (!w) {
				pfn += 64;
				continue;
			}
		}
		if (kdump_bit(b, pfn))
			return pfn;
		pfn++;
	}
	return UINT64_MAX;
}

uint64_t kdump_run_end(const struct kdump *kd, uint64_t pfn, int ram)
{
	const unsigned char *b = ram ? kd->bitmap1 : kd->bitmap2;
	int bit;

	if (pfn >= kd->max_mapnr)
		return pfn;
	bit = kdump_bit(b, pfn);
	while (pfn < kd->max_mapnr) {
		if (!(pfn & 63) && pfn + 64 <= kd->max_mapnr) {
			uint64_t w;

			memcpy(&w, b + (pfn >> 3), sizeof(w));
			if (w == (bit ? UINT64_MAX : 0)) {
				pfn += 64;
				continue;
			}
		}
		if (kdump_bit(b, pfn) != bit)
			break;
		pfn++;
	}
	return pfn;
}

const char *kdump_compression(const struct kdump *kd)
{
	enum codec c;

	if (codec_from_kdump_flag(kd->h.status, &c) < 0)
		return "unknown";
	return codec_name(c);
}

/* Header fields a version before 6 does not have are not there: zero,
 * or the 32-bit copies. */
static void by_version(struct kdump_header *h)
{
	if (h->header_version < 6) {
		h->max_mapnr_64 = h->max_mapnr;
		h->start_pfn_64 = h->start_pfn;
		h->end_pfn_64 = h->end_pfn;
	}
	if (h->header_version < 5)
		h->offset_eraseinfo = h->size_eraseinfo = 0;
	if (h->header_version < 4)
		h->offset_note = h->size_note = 0;
	if (h->header_version < 3)
		h->offset_vmcoreinfo = h->size_vmcoreinfo = 0;
	if (h->header_version < 2)
		h->split = 0, h->start_pfn_64 = h->end_pfn_64 = 0;
}

/* A blob the sub header points at must be inside the file, and not absurd. */
static int check_blob(const struct kdump *kd, const char *what, uint64_t off, uint64_t size,
		      struct err *err)
{
	if (!size)
		return 0;
	if (size > MAX_NOTES)
		return fail(err, EXIT_DAMAGED, "kdump sub header: %s of %" PRIu64
			    " bytes is absurdly large", what, size);
	if (off < (uint64_t)kd->page_size || off > kd->win->size || size > kd->win->size - off)
		return fail(err, EXIT_DAMAGED, "kdump sub header: %s at offset %" PRIu64
			    " (%" PRIu64 " bytes) is not inside the file (%" PRIu64 " bytes)",
			    what, off, size, kd->win->size);
	return 0;
}

static int read_bitmap(struct kdump *kd, unsigned char **out, uint64_t off, const char *what,
		       struct err *err)
{
	ssize_t n;

	*out = xmalloc((size_t)kd->bitmap_len);
	n = window_pread(kd->win, *out, (size_t)kd->bitmap_len, off);
	if (n < 0 || (uint64_t)n != kd->bitmap_len)
		return fail(err, EXIT_DAMAGED, "kdump %s bitmap at offset %" PRIu64 ": %s",
			    what, off, n < 0 ? strerror(errno) : "cut off by the end of the file");
	return 0;
}

/* Where the last dumped pages' data ends: with the descriptor table, the
 * size a complete file has. Pages are written in pfn order, so the last
 * descriptors' data ends the file, unless they are zero pages sharing
 * one block near the start: the largest end of the last few counts. */
#define TAIL_DESCS 512

static uint64_t expected_size(struct kdump *kd)
{
	uint64_t end = kd->desc_end, n = kd->pages_dumped < TAIL_DESCS ? kd->pages_dumped : TAIL_DESCS;
	unsigned char *raw = xmalloc(TAIL_DESCS * KDUMP_PAGE_DESC_SIZE);
	ssize_t got = window_pread(kd->win, raw, (size_t)n * KDUMP_PAGE_DESC_SIZE,
				   kd->desc_end - n * KDUMP_PAGE_DESC_SIZE);

	for (ssize_t i = 0; got > 0 && i + KDUMP_PAGE_DESC_SIZE <= got; i += KDUMP_PAGE_DESC_SIZE) {
		struct kdump_page_desc d;

		kdump_page_desc_decode(kd->h.big_endian, &d, raw + i);
		if (d.offset > 0 && (uint64_t)d.offset <= UINT64_MAX / 2 &&
		    (uint64_t)d.offset + d.size > end)
			end = (uint64_t)d.offset + d.size;
	}
	free(raw);
	return end;
}

/* Where the header says the parts are, checked against the file and
 * against each other. */
static int check_layout(struct kdump *kd, const struct kdump_header *h, uint64_t bs, struct err *err)
{
	uint64_t bitmaps;

	/* Two bitmaps of equal size, whole blocks each. */
	if (!h->bitmap_blocks || h->bitmap_blocks % 2)
		return fail(err, EXIT_DAMAGED, "kdump header: %" PRIu32 " bitmap blocks: "
			    "not two bitmaps of whole blocks", h->bitmap_blocks);
	bitmaps = (uint64_t)h->bitmap_blocks * bs;
	kd->bitmap_len = bitmaps / 2;
	kd->off_bitmap = (1 + (uint64_t)h->sub_hdr_size) * bs;
	kd->off_desc = kd->off_bitmap + bitmaps;
	if (kd->bitmap_len > KDUMP_MAX_BITMAP)
		return fail(err, EXIT_DAMAGED, "kdump header: bitmaps of %" PRIu64
			    " bytes each describe more memory than this reader takes "
			    "(%llu bytes a bitmap)", kd->bitmap_len, KDUMP_MAX_BITMAP);
	if (kd->off_desc > kd->win->size)
		return fail(err, EXIT_DAMAGED, "kdump header: the bitmaps end at offset %"
			    PRIu64 ", past the end of the file (%" PRIu64 " bytes)",
			    kd->off_desc, kd->win->size);
	kd->max_mapnr = h->max_mapnr_64;
	if (kd->max_mapnr > kd->bitmap_len * 8)
		return fail(err, EXIT_DAMAGED, "kdump header: max_mapnr %" PRIu64
			    " is more than the bitmaps describe (%" PRIu64 " pages)",
			    kd->max_mapnr, kd->bitmap_len * 8);
	kd->pfn_start = 0;
	kd->pfn_end = kd->max_mapnr;
	if (h->split) {
		if (h->start_pfn_64 > h->end_pfn_64 || h->end_pfn_64 > kd->max_mapnr)
			return fail(err, EXIT_DAMAGED, "kdump sub header: split range of pfns "
				    "0x%" PRIx64 "-0x%" PRIx64 " is not inside 0-0x%" PRIx64,
				    h->start_pfn_64, h->end_pfn_64, kd->max_mapnr);
		kd->pfn_start = h->start_pfn_64;
		kd->pfn_end = h->end_pfn_64;
	}
	return 0;
}

/* Bits past max_mapnr describe nothing; a split file holds its own
 * range only. A dumped page is RAM, whatever the 1st bitmap says
 * (verify reports it). Then the ranks: dumped pages before each
 * KDUMP_RANK_BITS pfns, so a page's descriptor is found without a scan. */
static void index_bitmaps(struct kdump *kd)
{
	uint64_t nranks, sum = 0;

	clear_bits(kd->bitmap1, kd->max_mapnr, kd->bitmap_len * 8);
	clear_bits(kd->bitmap2, kd->pfn_end, kd->bitmap_len * 8);
	clear_bits(kd->bitmap2, 0, kd->pfn_start);
	for (uint64_t i = 0; i < kd->bitmap_len; i++) {
		unsigned extra = kd->bitmap2[i] & ~kd->bitmap1[i] & 0xffu;

		kd->dumped_not_ram += (uint64_t)__builtin_popcount(extra);
		kd->bitmap1[i] |= (unsigned char)extra;
	}

	nranks = kd->max_mapnr / KDUMP_RANK_BITS + 1;
	kd->rank = xmalloc((size_t)nranks * sizeof(*kd->rank));
	for (uint64_t i = 0; i < nranks; i++) {
		uint64_t from = i * KDUMP_RANK_BITS, to = from + KDUMP_RANK_BITS;

		kd->rank[i] = sum;
		sum += count_bits(kd->bitmap2, from, to < kd->max_mapnr ? to : kd->max_mapnr);
	}
	kd->pages_dumped = sum;
	kd->pages_ram = count_bits(kd->bitmap1, 0, kd->max_mapnr);
	kd->desc_end = kd->off_desc + kd->pages_dumped * KDUMP_PAGE_DESC_SIZE;
	kd->expected_size = expected_size(kd);
}

int kdump_open(struct kdump *kd, const struct window *w, struct err *err)
{
	unsigned char blk[KDUMP_HEADER_SIZE], sub[KDUMP_SUBHEADER_SIZE];
	struct kdump_header *h = &kd->h;
	struct kdump_priv *p;
	uint64_t bs;
	ssize_t n;
	int rc;

	memset(kd, 0, sizeof(*kd));
	kd->win = w;
	n = window_pread(w, blk, sizeof(blk), 0);
	if (n < 0)
		return fail(err, EXIT_DAMAGED, "cannot read: %s", strerror(errno));
	rc = kdump_header_decode(h, blk, (size_t)n, err);
	if (rc)
		return rc;
	bs = kd->page_size = (uint32_t)h->block_size;	/* a power of 2, 512 .. 1 MiB */
	if (h->sub_hdr_size < 1 || (uint64_t)h->sub_hdr_size > w->size / bs)
		return fail(err, EXIT_DAMAGED, "kdump header: a sub header of %" PRId32
			    " blocks does not fit in the file (%" PRIu64 " bytes)",
			    h->sub_hdr_size, w->size);
	n = window_pread(w, sub, sizeof(sub), bs);
	if (n != (ssize_t)sizeof(sub))
		return fail(err, EXIT_DAMAGED, "kdump sub header at offset %" PRIu64 ": %s",
			    bs, n < 0 ? strerror(errno) : "cut off by the end of the file");
	kdump_subheader_decode(h, sub);
	by_version(h);
	kd->incomplete = !!(h->status & KDUMP_STATUS_INCOMPLETE);

	rc = check_layout(kd, h, bs, err);
	if (rc)
		return rc;
	rc = check_blob(kd, "the notes", h->offset_note, h->size_note, err);
	if (!rc)
		rc = check_blob(kd, "VMCOREINFO", h->offset_vmcoreinfo, h->size_vmcoreinfo, err);
	if (!rc)
		rc = read_bitmap(kd, &kd->bitmap1, kd->off_bitmap, "1st", err);
	if (!rc)
		rc = read_bitmap(kd, &kd->bitmap2, kd->off_bitmap + kd->bitmap_len, "2nd", err);
	if (rc) {
		kdump_close(kd);
		return rc;
	}
	index_bitmaps(kd);
	p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->descs = xmalloc(DESC_CACHE * KDUMP_PAGE_DESC_SIZE);
	p->ra_cap = READAHEAD > bs ? READAHEAD : (size_t)bs;
	p->ra = xmalloc(p->ra_cap);
	p->page = xmalloc((size_t)bs);
	p->page_pfn = UINT64_MAX;
	kd->priv = p;
	return 0;
}

void kdump_close(struct kdump *kd)
{
	struct kdump_priv *p = kd->priv;

	if (p) {
		pthread_mutex_destroy(&p->lock);
		free(p->descs);
		free(p->ra);
		free(p->page);
		free(p);
	}
	free(kd->bitmap1);
	free(kd->bitmap2);
	free(kd->rank);
	memset(kd, 0, sizeof(*kd));
}

static int get_desc(struct kdump *kd, uint64_t pfn, struct kdump_page_desc *d)
{
	struct kdump_priv *p = kd->priv;
	const char *why = kd->incomplete ? "" : " (the file is truncated)";
	uint64_t idx, off, end;
	uint32_t codec_bits;

	if (!kdump_is_dumped(kd, pfn)) {
		kd->err.msg[0] = '\0';	/* nothing more to say than ERANGE */
		errno = ERANGE;
		return -1;
	}
	idx = rank_of(kd, pfn);
	off = kd->off_desc + idx * KDUMP_PAGE_DESC_SIZE;
	if (idx < p->desc_first || idx >= p->desc_first + p->desc_count) {
		uint64_t want = kd->pages_dumped - idx < DESC_CACHE ? kd->pages_dumped - idx : DESC_CACHE;
		ssize_t got = window_pread(kd->win, p->descs, (size_t)want * KDUMP_PAGE_DESC_SIZE, off);

		if (got < 0)
			return page_error(kd, errno, "pfn 0x%" PRIx64 ": reading its descriptor at offset %"
					  PRIu64 ": %s", pfn, off, strerror(errno));
		p->desc_first = idx;
		p->desc_count = (uint64_t)got / KDUMP_PAGE_DESC_SIZE;
	}
	if (idx >= p->desc_first + p->desc_count) {
		/* An INCOMPLETE dump stops where the space ran out. */
		if (kd->incomplete)
			return page_error(kd, ERANGE, "pfn 0x%" PRIx64 " is missing from the incomplete dump",
					  pfn);
		return page_error(kd, EIO, "pfn 0x%" PRIx64 ": its descriptor at offset %" PRIu64
				  " is past the end of the file%s", pfn, off, why);
	}
	kdump_page_desc_decode(kd->h.big_endian, d,
			       p->descs + (idx - p->desc_first) * KDUMP_PAGE_DESC_SIZE);
	if (d->offset == 0 && d->size == 0) {
		if (kd->incomplete)
			return page_error(kd, ERANGE, "pfn 0x%" PRIx64 " is missing from the incomplete dump",
					  pfn);
		return page_error(kd, EIO, "pfn 0x%" PRIx64 ": its descriptor at offset %" PRIu64
				  " is empty", pfn, off);
	}
	codec_bits = d->flags & CODEC_BITS;
	if (d->flags & ~CODEC_BITS || (codec_bits & (codec_bits - 1)))
		return page_error(kd, EIO, "pfn 0x%" PRIx64 ": descriptor at offset %" PRIu64
				  " has flags 0x%" PRIx32 " that name no codec", pfn, off, d->flags);
	if (d->size == 0 || d->size > kd->page_size || (!codec_bits && d->size != kd->page_size))
		return page_error(kd, EIO, "pfn 0x%" PRIx64 ": descriptor at offset %" PRIu64
				  " says %" PRIu32 " bytes%s, the page size is %" PRIu32, pfn, off,
				  d->size, codec_bits ? "" : " uncompressed", kd->page_size);
	if (d->offset < 0 || (uint64_t)d->offset < kd->off_desc)
		return page_error(kd, EIO, "pfn 0x%" PRIx64 ": descriptor at offset %" PRIu64
				  " puts its data at %" PRId64 ", before the descriptors", pfn, off,
				  d->offset);
	end = (uint64_t)d->offset + d->size;
	if (end > kd->win->size) {
		if (kd->incomplete)
			return page_error(kd, ERANGE, "pfn 0x%" PRIx64 " is missing from the incomplete dump",
					  pfn);
		return page_error(kd, EIO, "pfn 0x%" PRIx64 ": its data at offset %" PRId64
				  " (%" PRIu32 " bytes) is past the end of the file%s", pfn,
				  d->offset, d->size, why);
	}
	return 0;
}

int kdump_page_desc(struct kdump *kd, uint64_t pfn, struct kdump_page_desc *d)
{
	struct kdump_priv *p = kd->priv;
	int rc;

	pthread_mutex_lock(&p->lock);
	rc = get_desc(kd, pfn, d);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* The stored bytes of a page, through the read-ahead buffer: page data
 * is written in pfn order, so one read serves the pages that follow. */
static const unsigned char *stored(struct kdump *kd, uint64_t pfn, const struct kdump_page_desc *d)
{
	struct kdump_priv *p = kd->priv;
	uint64_t off = (uint64_t)d->offset;
	ssize_t got;

	if (off >= p->ra_off && off - p->ra_off <= p->ra_len && d->size <= p->ra_len - (off - p->ra_off))
		return p->ra + (off - p->ra_off);
	p->ra_len = 0;
	got = window_pread(kd->win, p->ra, p->ra_cap, off);
	if (got < 0 || (size_t)got < d->size) {
		page_error(kd, got < 0 ? errno : EIO, "pfn 0x%" PRIx64 ": reading its data at offset %"
			   PRIu64 ": %s", pfn, off, got < 0 ? strerror(errno) : "short read");
		return NULL;
	}
	p->ra_off = off;
	p->ra_len = (size_t)got;
	return p->ra;
}

static int read_page(struct kdump *kd, uint64_t pfn)
{
	struct kdump_priv *p = kd->priv;
	struct kdump_page_desc d;
	const unsigned char *src;
	enum codec c;

	if (p->page_pfn == pfn)
		return 0;
	if (get_desc(kd, pfn, &d) < 0)
		return -1;
	src = stored(kd, pfn, &d);
	if (!src)
		return -1;
	p->page_pfn = UINT64_MAX;
	if (!(d.flags & CODEC_BITS)) {
		memcpy(p->page, src, kd->page_size);
	} else {
		codec_from_kdump_flag(d.flags, &c);	/* get_desc() checked: one codec */
		if (!codec_available(c))
			return page_error(kd, ENOTSUP, "pfn 0x%" PRIx64 " is compressed with %s, which "
					  "this dumpbox is built without", pfn, codec_name(c));
		if (codec_decompress(c, src, d.size, p->page, kd->page_size) < 0)
			return page_error(kd, EIO, "pfn 0x%" PRIx64 ": its %s data (%" PRIu32
					  " bytes at offset %" PRId64 ") does not decompress to a page",
					  pfn, codec_name(c), d.size, d.offset);
	}
	p->page_pfn = pfn;
	return 0;
}

int kdump_read_page(struct kdump *kd, uint64_t pfn, void *buf)
{
	struct kdump_priv *p = kd->priv;
	int rc;

	pthread_mutex_lock(&p->lock);
	rc = read_page(kd, pfn);
	if (!rc)
		memcpy(buf, p->page, kd->page_size);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

int kdump_read(struct kdump *kd, uint64_t paddr, void *buf, size_t len)
{
	struct kdump_priv *p = kd->priv;
	unsigned char *out = buf;
	int rc = 0;

	pthread_mutex_lock(&p->lock);
	while (len) {
		uint64_t pfn = paddr / kd->page_size;
		size_t in = (size_t)(paddr % kd->page_size);
		size_t n = kd->page_size - in < len ? kd->page_size - in : len;

		rc = read_page(kd, pfn);
		if (rc)
			break;
		memcpy(out, p->page + in, n);
		out += n;
		paddr += n;
		len -= n;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}
