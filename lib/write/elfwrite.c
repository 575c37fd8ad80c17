/* An ELF core from a kdump-compressed source (lib/write/elfwrite.h). libelf
 * converts the headers to the dumped machine's byte order; the layout is
 * ours, because a kdump file has none to copy. */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/dumpbox.h"
#include "core/elflayout.h"
#include "core/kdump.h"
#include "core/vaddr.h"
#include "write/elfwrite.h"
#include "write/pagefilter.h"

struct run {
	uint64_t pfn, count;
};

struct writer {
	const struct vmcore *vc;
	struct kdump *kd;
	struct dump_target *t;
	const struct dump_opts *o;
	unsigned char *buf;		/* DUMP_CHUNK bytes of pages, for off */
	size_t len;
	uint64_t off;
	double start, last_progress;
	int shown;
};

/* The runs of pages the source holds. Without INCOMPLETE, every dumped
 * page counts (one that cannot be read becomes zeros); with it, the
 * pages whose descriptors the cut-off dump lacks are left out. */
static size_t find_runs(struct kdump *kd, const struct pagefilter *pf, struct run **out,
			uint64_t *missing)
{
	struct run *r = NULL;
	size_t n = 0, cap = 0;

	*missing = 0;
	for (uint64_t pfn = kdump_next_dumped(kd, 0); pfn != UINT64_MAX;) {
		uint64_t end = kdump_run_end(kd, pfn, 0);

		for (uint64_t p = pfn; p < end; p++) {
			struct kdump_page_desc d;

			if (pagefilter_excluded(pf, p))
				continue;
			if (kd->incomplete && kdump_page_desc(kd, p, &d) < 0 && errno == ERANGE) {
				(*missing)++;
				continue;
			}
			if (n && r[n - 1].pfn + r[n - 1].count == p) {
				r[n - 1].count++;
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				r = xrealloc(r, cap * sizeof(*r));
			}
			r[n++] = (struct run){ p, 1 };
		}
		pfn = kdump_next_dumped(kd, end);
	}
	*out = r;
	return n;
}

static void put32(const struct vmcore *vc, unsigned char *p, uint32_t v)
{
	if (vc->data == ELFDATA2MSB)
		put_be32(p, v);
	else
		put_le32(p, v);
}

/* The source's notes as it wrote them, plus VMCOREINFO as a note when
 * the source kept the text apart (QEMU's kdump files do). */
static unsigned char *notes_blob(const struct vmcore *vc, size_t *len)
{
	const struct kdump_header *h = &vc->kdump->h;
	size_t n = (size_t)h->size_note, vlen = vc->vmcoreinfo_len;
	int add = vc->vmcoreinfo && !vmcore_find_note(vc, "VMCOREINFO", 0);
	size_t total = n + (add ? 12 + 12 + ((vlen + 3) & ~(size_t)3) : 0);
	unsigned char *b = xcalloc(1, total ? total : 1);

	/* kdump_open() bounded it, vmcore_open() read it once already. */
	if (n && window_pread(vc->win, b, n, h->offset_note) != (ssize_t)n) {
		free(b);
		return NULL;
	}
	if (add) {
		unsigned char *p = b + n;

		put32(vc, p, sizeof("VMCOREINFO"));
		put32(vc, p + 4, (uint32_t)vlen);
		put32(vc, p + 8, 0);
		memcpy(p + 12, "VMCOREINFO", sizeof("VMCOREINFO"));
		memcpy(p + 24, vc->vmcoreinfo, vlen);
	}
	*len = total;
	return b;
}

static int failed(struct writer *w, const char *what, uint64_t off)
{
	return dump_write_failed(w->t, what, off);
}

static void progress(struct writer *w, int final)
{
	double now = monotonic_seconds();
	char line[128];

	if (!w->o->progress || !w->o->progress_secs)
		return;
	/* The closing line only after others: a short run prints none. */
	if (final ? !w->shown : now - w->last_progress < w->o->progress_secs)
		return;
	w->last_progress = now;
	w->shown = 1;
	dump_format_progress(line, sizeof(line), w->t->written, w->t->size, now - w->start);
	fprintf(w->o->progress, "%s\n", line);
	fflush(w->o->progress);
}

/* Write what is buffered: runs of zero pages as zero(), the rest as
 * write(). */
static int flush(struct writer *w)
{
	size_t ps = w->kd->page_size, i = 0;

	while (i < w->len) {
		int zero = buf_is_zero(w->buf + i, ps);
		size_t j = i + ps;

		while (j < w->len && buf_is_zero(w->buf + j, ps) == zero)
			j += ps;
		if (zero) {
			if (dump_put_zero(w->t, j - i, w->off + i) < 0)
				return failed(w, "writing zeros", w->off + i);
			w->t->zero_bytes += j - i;
		} else if (dump_put(w->t, w->buf + i, j - i, w->off + i) < 0) {
			return failed(w, "write", w->off + i);
		}
		w->t->written += j - i;
		i = j;
	}
	w->off += w->len;
	w->len = 0;
	progress(w, 0);
	return EXIT_OK;
}

static int copy_pages(struct writer *w, const struct run *runs, size_t nruns)
{
	size_t ps = w->kd->page_size;
	int rc;

	for (size_t i = 0; i < nruns; i++) {
		for (uint64_t k = 0; k < runs[i].count; k++) {
			unsigned char *page = w->buf + w->len;

			if (kdump_read_page(w->kd, runs[i].pfn + k, page) < 0) {
				memset(page, 0, ps);
				dump_add_bad(w->t, w->off + w->len, ps);
			}
			w->len += ps;
			if (w->len + ps > DUMP_CHUNK) {
				if (w->o->stop && *w->o->stop) {
					snprintf(w->t->reason, sizeof(w->t->reason),
						 "stopped by a signal after %" PRIu64 " of %" PRIu64
						 " bytes", w->t->written, w->t->size);
					return EXIT_INCOMPLETE;
				}
				rc = flush(w);
				if (rc)
					return rc;
			}
		}
	}
	return flush(w);
}

static size_t text_aliases(const struct kernel_maps *km, const struct run *runs, size_t nruns,
			   uint64_t ps)
{
	size_t n = 0;
	uint64_t lo;

	for (size_t i = 0; i < nruns; i++)
		n += elf_text_part(km, runs[i].pfn * ps, runs[i].count * ps, &lo) != 0;
	return n;
}

/* The ELF header, program headers and (PN_XNUM) section header 0 in the
 * dumped machine's byte order: PT_NOTE, the kernel image's aliases, then
 * a PT_LOAD per run, as /proc/vmcore orders them. */
static unsigned char *headers(const struct vmcore *vc, const struct kernel_maps *km,
			      const struct run *runs, size_t nruns, size_t naliases,
			      uint64_t note_off, size_t notes_len, uint64_t data_off, size_t *len)
{
	size_t nph = 1 + naliases + nruns, xnum = nph >= PN_XNUM;
	size_t hlen = sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr) + xnum * sizeof(Elf64_Shdr);
	uint64_t ps = vc->kdump->page_size, off = data_off;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = xcalloc(nph, sizeof(*ph));
	Elf64_Shdr sh;
	unsigned char *out = xcalloc(1, hlen);
	Elf_Data src = { .d_version = EV_CURRENT }, dst = { .d_version = EV_CURRENT };
	unsigned enc = (unsigned)vc->data;
	int ok;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = (unsigned char)vc->data;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = vc->ehdr.e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = xnum ? PN_XNUM : (Elf64_Half)nph;
	if (xnum) {
		eh.e_shoff = sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr);
		eh.e_shentsize = sizeof(Elf64_Shdr);
		eh.e_shnum = 1;
	}
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = note_off;
	ph[0].p_filesz = ph[0].p_memsz = notes_len;
	for (size_t i = 0, a = 1; i < nruns; i++) {
		Elf64_Phdr *p = &ph[1 + naliases + i];
		uint64_t lo, n;

		p->p_type = PT_LOAD;
		p->p_flags = PF_R | PF_W | PF_X;
		p->p_offset = off;
		p->p_paddr = runs[i].pfn * ps;
		if (km->have_direct)
			p->p_vaddr = km->direct_virt + p->p_paddr;
		p->p_filesz = p->p_memsz = runs[i].count * ps;
		n = elf_text_part(km, p->p_paddr, p->p_filesz, &lo);
		if (n) {
			/* The same bytes in the file: the alias costs none. */
			ph[a].p_type = PT_LOAD;
			ph[a].p_flags = PF_R | PF_W | PF_X;
			ph[a].p_offset = off + (lo - p->p_paddr);
			ph[a].p_paddr = lo;
			ph[a].p_vaddr = km->text_virt + (lo - km->text_start);
			ph[a].p_filesz = ph[a].p_memsz = n;
			a++;
		}
		off += p->p_filesz;
	}
	memset(&sh, 0, sizeof(sh));
	sh.sh_info = (Elf64_Word)nph;

	src.d_buf = &eh, src.d_size = sizeof(eh), src.d_type = ELF_T_EHDR;
	dst.d_buf = out, dst.d_size = sizeof(eh);
	ok = elf64_xlatetof(&dst, &src, enc) != NULL;
	src.d_buf = ph, src.d_size = nph * sizeof(*ph), src.d_type = ELF_T_PHDR;
	dst.d_buf = out + eh.e_phoff, dst.d_size = src.d_size;
	ok = ok && elf64_xlatetof(&dst, &src, enc) != NULL;
	if (xnum) {
		src.d_buf = &sh, src.d_size = sizeof(sh), src.d_type = ELF_T_SHDR;
		dst.d_buf = out + eh.e_shoff, dst.d_size = sizeof(sh);
		ok = ok && elf64_xlatetof(&dst, &src, enc) != NULL;
	}
	free(ph);
	if (!ok) {
		free(out);
		return NULL;
	}
	*len = hlen;
	return out;
}

int dump_elf_pages(const struct vmcore *vc, struct dump_target *t, const struct dump_opts *o)
{
	struct writer w = { .vc = vc, .kd = vc->kdump, .t = t, .o = o };
	struct run *runs = NULL;
	struct kernel_maps km;
	unsigned char *notes = NULL, *hdr = NULL;
	size_t nruns, naliases, notes_len = 0, hlen, nph;
	uint64_t missing, ps, note_off, data_off, size = 0;
	int rc = EXIT_DAMAGED;

	t->written = t->zero_bytes = t->bad_bytes = 0;
	t->nbad = 0;
	t->error = 0;
	t->reason[0] = '\0';
	if (!w.kd) {
		snprintf(t->reason, sizeof(t->reason), "not a kdump-compressed source");
		return EXIT_DAMAGED;
	}
	ps = w.kd->page_size;
	if (ps > DUMP_CHUNK) {
		snprintf(t->reason, sizeof(t->reason), "pages of %" PRIu64 " bytes: too large", ps);
		return EXIT_DAMAGED;
	}
	nruns = find_runs(w.kd, o->filter, &runs, &missing);
	notes = notes_blob(vc, &notes_len);
	if (!notes) {
		snprintf(t->reason, sizeof(t->reason), "cannot read the source's notes");
		goto out;
	}
	vmcore_kernel_maps(vc, &km);
	naliases = text_aliases(&km, runs, nruns, ps);
	nph = 1 + naliases + nruns;
	note_off = sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr) +
		   (nph >= PN_XNUM ? sizeof(Elf64_Shdr) : 0);
	data_off = (note_off + notes_len + ps - 1) / ps * ps;
	size = data_off;
	for (size_t i = 0; i < nruns; i++)
		size += runs[i].count * ps;
	hdr = headers(vc, &km, runs, nruns, naliases, note_off, notes_len, data_off, &hlen);
	if (!hdr) {
		snprintf(t->reason, sizeof(t->reason), "libelf: %s", elf_errmsg(-1));
		goto out;
	}

	t->size = size;
	w.buf = xmalloc(DUMP_CHUNK);
	w.start = w.last_progress = monotonic_seconds();
	if (t->ops->begin(t, size) < 0) {
		rc = failed(&w, "preparing the target", 0);
		goto out;
	}
	/* Notes, then the pages, then (after a sync) the headers. */
	rc = EXIT_OK;
	if (notes_len && dump_put(t, notes, notes_len, note_off) < 0)
		rc = failed(&w, "write", note_off);
	t->written += notes_len;
	w.off = data_off;
	if (!rc)
		rc = copy_pages(&w, runs, nruns);
	if (!rc && dump_sync(t) < 0)
		rc = failed(&w, "fsync", t->written);
	if (!rc && dump_put(t, hdr, hlen, 0) < 0)
		rc = failed(&w, "writing the ELF header", 0);
	if (!rc)
		t->written += hlen;
	/* A copy of an INCOMPLETE dump is one: it must not look complete. */
	if (!rc && w.kd->incomplete) {
		snprintf(t->reason, sizeof(t->reason), "the source is an INCOMPLETE dump: %" PRIu64
			 " of its pages are missing and are in no PT_LOAD", missing);
		rc = EXIT_INCOMPLETE;
	}
	if (t->ops->finish(t, rc == EXIT_OK, t) < 0 && rc == EXIT_OK)
		rc = failed(&w, "finishing the dump", size);
	progress(&w, 1);
	if (rc == EXIT_OK && t->nbad) {
		snprintf(t->reason, sizeof(t->reason), "%" PRIu64 " bytes in %zu ranges of the "
			 "source could not be read and are zeros", t->bad_bytes, t->nbad);
		rc = EXIT_DAMAGED;
	}
out:
	free(w.buf);
	free(hdr);
	free(notes);
	free(runs);
	return rc;
}
