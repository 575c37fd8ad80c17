/* An ELF source copied as it is (write/elfcopy.h). */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dumpbox.h"
#include "core/elflayout.h"
#include "core/vmcore.h"
#include "write/dump.h"
#include "write/elfcopy.h"
#include "write/pagefilter.h"

struct range {
	uint64_t off, len;
};

struct copy {
	const struct vmcore *vc;
	struct dump_target *t;
	const struct dump_opts *o;
	unsigned char *buf;
	double start, last_progress;
	uint64_t last_shown;	/* bytes in the last progress line, +1 */
};

static void progress(struct copy *c, int final)
{
	double t = monotonic_seconds();
	char line[128];

	if (!c->o->progress || !c->o->progress_secs)
		return;
	if (!final && t - c->last_progress < c->o->progress_secs)
		return;
	/* The closing line only when it says something new. */
	if (final && c->last_shown == c->t->written + 1)
		return;
	c->last_progress = t;
	c->last_shown = c->t->written + 1;
	dump_format_progress(line, sizeof(line), c->t->written, c->t->size, t - c->start);
	fprintf(c->o->progress, "%s\n", line);
	fflush(c->o->progress);
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Sort and merge into disjoint ranges; returns the new count. */
static size_t merge_ranges(struct range *r, size_t n)
{
	size_t out = 0;

	qsort(r, n, sizeof(*r), cmp_range);
	for (size_t i = 0; i < n; i++) {
		if (!r[i].len)
			continue;
		if (out && r[i].off <= r[out - 1].off + r[out - 1].len) {
			uint64_t end = r[i].off + r[i].len;

			if (end > r[out - 1].off + r[out - 1].len)
				r[out - 1].len = end - r[out - 1].off;
		} else {
			r[out++] = r[i];
		}
	}
	return out;
}

static int write_failed(struct copy *c, const char *what, uint64_t off)
{
	return dump_write_failed(c->t, what, off);
}

/* Read [off, off + len) of the source into c->buf. What cannot be read
 * (an I/O error, or a source file cut short) becomes zeros, block by
 * block, and is recorded: one bad page must not cost the whole dump. */
static void read_source(struct copy *c, uint64_t off, size_t len)
{
	ssize_t n = window_pread(c->vc->win, c->buf, len, off);

	if (n == (ssize_t)len)
		return;
	for (size_t done = 0; done < len; done += DUMP_BLOCK) {
		size_t b = len - done < DUMP_BLOCK ? len - done : DUMP_BLOCK;

		n = window_pread(c->vc->win, c->buf + done, b, off + done);
		if (n != (ssize_t)b) {
			memset(c->buf + done, 0, b);
			dump_add_bad(c->t, off + done, b);
		}
	}
}

/* Write a chunk that is in c->buf: runs of zero blocks go to the target's
 * zero(), runs of data to write(). */
static int write_chunk(struct copy *c, uint64_t off, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t b = len - i < DUMP_BLOCK ? len - i : DUMP_BLOCK;
		int zero = buf_is_zero(c->buf + i, b);
		size_t j = i + b;

		while (j < len) {
			size_t bb = len - j < DUMP_BLOCK ? len - j : DUMP_BLOCK;

			if (buf_is_zero(c->buf + j, bb) != zero)
				break;
			j += bb;
		}
		if (zero) {
			if (dump_put_zero(c->t, j - i, off + i) < 0)
				return write_failed(c, "writing zeros", off + i);
			c->t->zero_bytes += j - i;
		} else if (dump_put(c->t, c->buf + i, j - i, off + i) < 0) {
			return write_failed(c, "write", off + i);
		}
		c->t->written += j - i;
		i = j;
	}
	return EXIT_OK;
}

/* The pages the filter excludes become zeros (then holes): the layout,
 * and every p_offset, stays as it was, as with makedumpfile -E. */
static void blank_excluded(struct copy *c, uint64_t off, size_t len)
{
	const struct pagefilter *pf = c->o->filter;
	uint64_t ps = pf->page_size ? pf->page_size : DUMP_BLOCK;

	for (size_t i = 0; i < c->vc->nloads; i++) {
		const struct vmcore_segment *s = &c->vc->loads[i];
		uint64_t a = s->offset > off ? s->offset : off;
		uint64_t b = s->offset + s->filesz < off + len ? s->offset + s->filesz : off + len;

		while (a < b) {
			uint64_t pa = s->paddr + (a - s->offset);
			uint64_t n = ps - pa % ps;

			if (n > b - a)
				n = b - a;
			if (pagefilter_excluded(pf, pa / ps))
				memset(c->buf + (a - off), 0, (size_t)n);
			a += n;
		}
	}
}

static int copy_range(struct copy *c, uint64_t off, uint64_t len)
{
	while (len) {
		size_t n = len < DUMP_CHUNK ? (size_t)len : DUMP_CHUNK;
		int rc;

		if (c->o->stop && *c->o->stop) {
			snprintf(c->t->reason, sizeof(c->t->reason),
				 "stopped by a signal after %" PRIu64 " of %" PRIu64 " bytes",
				 c->t->written, c->t->size);
			return EXIT_INCOMPLETE;
		}
		read_source(c, off, n);
		if (c->o->filter)
			blank_excluded(c, off, n);
		rc = write_chunk(c, off, n);
		if (rc)
			return rc;
		off += n;
		len -= n;
		progress(c, 0);
	}
	return EXIT_OK;
}

/* Bytes no header references (alignment padding after the notes, say):
 * zeros, as in the source. Only a disk target writes them; without them
 * the area would keep an old dump's bytes, and the disk's checksum would
 * need a second pass over the whole dump. */
static int zero_gap(struct copy *c, uint64_t off, uint64_t end)
{
	if (end <= off)
		return EXIT_OK;
	if (dump_put_zero(c->t, (size_t)(end - off), off) < 0)
		return write_failed(c, "writing zeros", off);
	c->t->zero_bytes += end - off;
	c->t->written += end - off;
	return EXIT_OK;
}

/* Copy r minus the (sorted, disjoint) ranges in done[]. */
static int copy_except(struct copy *c, struct range r, const struct range *done, size_t ndone)
{
	uint64_t pos = r.off, end = r.off + r.len;
	int rc;

	for (size_t i = 0; i < ndone && pos < end; i++) {
		uint64_t ds = done[i].off, de = done[i].off + done[i].len;

		if (de <= pos || ds >= end)
			continue;
		if (ds > pos && (rc = copy_range(c, pos, ds - pos)))
			return rc;
		pos = de;
	}
	if (pos < end)
		return copy_range(c, pos, end - pos);
	return EXIT_OK;
}

static int finish(struct copy *c, int rc)
{
	int frc = c->t->ops->finish(c->t, rc == EXIT_OK, c->t);

	progress(c, 1);
	if (frc < 0 && rc == EXIT_OK)
		rc = write_failed(c, "finishing the dump", c->t->size);
	if (rc == EXIT_OK && c->t->nbad) {
		snprintf(c->t->reason, sizeof(c->t->reason),
			 "%" PRIu64 " bytes in %zu ranges of the source were unreadable and are zeros",
			 c->t->bad_bytes, c->t->nbad);
		rc = EXIT_DAMAGED;
	}
	return rc;
}

int dump_elf_copy(const struct vmcore *vc, struct dump_target *t, const struct dump_opts *o)
{
	struct copy c = { .vc = vc, .t = t, .o = o };
	struct range *all, *hsa;
	size_t nall = 0, nhsa = 0;
	uint64_t head, size = vmcore_elf_size(vc);
	int rc;

	/* Every byte the ELF headers reference: the header table itself and
	 * each segment's file range (notes, loads, anything else). */
	all = xcalloc(vc->nphdr + 1, sizeof(*all));
	hsa = xcalloc(vc->nphdr + 1, sizeof(*hsa));
	all[nall++] = (struct range){ 0, vc->hdrlen };
	if (vc->hdrlen > size)
		size = vc->hdrlen;
	for (size_t i = 0; i < vc->nphdr; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(vc->elf, (int)i, &ph) || !ph.p_filesz)
			continue;
		all[nall++] = (struct range){ ph.p_offset, ph.p_filesz };
		if (ph.p_type == PT_LOAD && o->hsa_size && ph.p_paddr < o->hsa_size)
			hsa[nhsa++] = (struct range){ ph.p_offset, ph.p_filesz };
	}
	nall = merge_ranges(all, nall);
	nhsa = merge_ranges(hsa, nhsa);
	head = size < DUMP_BLOCK ? size : DUMP_BLOCK;
	/* The header page is written last: leave it out of both lists. */
	for (size_t i = 0; i < nall; i++) {
		if (all[i].off < head) {
			uint64_t cut = head - all[i].off;

			all[i].len = all[i].len > cut ? all[i].len - cut : 0;
			all[i].off = head;
		}
	}
	for (size_t i = 0; i < nhsa; i++) {
		if (hsa[i].off < head) {
			uint64_t cut = head - hsa[i].off;

			hsa[i].len = hsa[i].len > cut ? hsa[i].len - cut : 0;
			hsa[i].off = head;
		}
	}

	t->size = size;
	t->written = t->zero_bytes = t->bad_bytes = 0;
	t->nbad = 0;
	t->error = 0;
	t->reason[0] = '\0';
	c.buf = aligned_alloc(DUMP_BLOCK, DUMP_CHUNK);
	if (!c.buf) {
		rc = dump_write_failed(t, "allocating the copy buffer", 0);
		goto out;
	}
	c.start = c.last_progress = monotonic_seconds();

	if (t->ops->begin(t, size) < 0) {
		rc = write_failed(&c, "preparing the target", 0);
		goto out;
	}
	rc = EXIT_OK;
	for (size_t i = 0; i < nhsa && !rc; i++)
		rc = copy_range(&c, hsa[i].off, hsa[i].len);
	if (!rc && nhsa && o->release_hsa && o->release_hsa(o->hsa_arg) < 0)
		warnmsg("releasing the HSA failed (the dump goes on):");
	for (size_t i = 0; i < nall && !rc; i++) {
		rc = zero_gap(&c, i ? all[i - 1].off + all[i - 1].len : head, all[i].off);
		if (!rc)
			rc = copy_except(&c, all[i], hsa, nhsa);
	}
	if (!rc)
		rc = zero_gap(&c, nall ? all[nall - 1].off + all[nall - 1].len : head, size);
	if (!rc && dump_sync(t) < 0)
		rc = write_failed(&c, "fsync", t->written);
	if (!rc && head) {
		/* The header page, last: its bytes come from the source like
		 * everything else, only later. */
		rc = copy_range(&c, 0, head);
	}
	rc = finish(&c, rc);
out:
	free(c.buf);
	free(all);
	free(hsa);
	return rc;
}
