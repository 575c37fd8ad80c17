/* libFuzzer target: the kdump-compressed reader and everything that reads
 * through it: vmcore_open() (kdump, or a flattened stream reassembled
 * first, as vmcore-inspect convert does), info, notes, every page,
 * verify, dmesg, and the conversion to ELF, whose pages must be the ones
 * the reader gave (an invariant: abort() if not). Seeds: makedumpfile's
 * output of a tiny generated core (tests/corpus/kdump/). */
// fuzz-max-len: 32768
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "base/window.h"
#include "core/kdump.h"
#include "core/notes.h"
#include "core/printk.h"
#include "core/vaddr.h"
#include "core/vmcore.h"
#include "job/inspect.h"
#include "write/elfwrite.h"
#include "write/flatread.h"

/* What a fuzzed stream may make us write: far above the seeds. */
#define MAX_OUT (4u << 20)
/* Pages read one by one, verified, converted: a fuzzed bitmap may claim
 * hundreds of thousands, each failing at its descriptor. */
#define MAX_PAGES 2048
#define MAX_CONVERT 64

static int mfd_begin(struct dump_target *t, uint64_t size)
{
	(void)t, (void)size;
	return 0;
}

static int mfd_write(struct dump_target *t, const void *buf, size_t len, uint64_t off)
{
	if (off > MAX_OUT || len > MAX_OUT - off) {
		errno = EFBIG;
		return -1;
	}
	return pwrite_all(*(int *)t->priv, buf, len, off);
}

static int mfd_zero(struct dump_target *t, size_t len, uint64_t off)
{
	if (off > MAX_OUT || len > MAX_OUT - off) {
		errno = EFBIG;
		return -1;
	}
	(void)t;
	return 0;
}

static int mfd_sync(struct dump_target *t)
{
	(void)t;
	return 0;
}

static int mfd_finish(struct dump_target *t, int complete, const struct dump_target *info)
{
	(void)complete;
	if (info->size > MAX_OUT)
		return -1;
	return ftruncate(*(int *)t->priv, (off_t)info->size);
}

static const struct dump_target_ops mfd_ops = {
	mfd_begin, mfd_write, mfd_zero, mfd_sync, mfd_finish,
};

static void target(struct dump_target *t, int *fd)
{
	memset(t, 0, sizeof(*t));
	t->ops = &mfd_ops;
	t->priv = fd;
	t->name = "fuzz";
}

static void ignore(void *arg, enum inspect_severity sev, const char *where,
		   uint64_t offset, const char *msg)
{
	*(size_t *)arg += (size_t)sev + strlen(where) + strlen(msg) + (offset & 1);
}

static int count_record(void *arg, const struct printk_record *rec)
{
	*(size_t *)arg += rec->len;
	return 0;
}

static size_t notes(const struct vmcore *vc)
{
	char hex[NOTES_HEX_MAX];
	size_t sum = 0;

	notes_cpus(vc);
	for (size_t i = 0; i < vc->nnotes; i++) {
		const struct vmcore_note *n = &vc->notes[i];
		const struct note_layout *l = notes_layout(vc, n);

		notes_pid(vc, n);
		for (size_t k = 0; l && k < l->nfields; k++)
			notes_field_hex(vc, n, &l->fields[k], hex, sizeof(hex));
		for (uint32_t b = 0; b < n->descsz; b++)
			sum += n->desc[b];
	}
	return sum;
}

/* The ELF core made of vc holds every page vc could read, byte for byte. */
static void convert_and_compare(const struct vmcore *vc, int out)
{
	struct kdump *kd = vc->kdump;
	struct dump_target t;
	struct dump_opts o = { .format = DUMP_FORMAT_ELF };
	struct window w;
	struct vmcore elf;
	unsigned char *a = xmalloc(kd->page_size), *b = xmalloc(kd->page_size);
	size_t n = 0;

	if (ftruncate(out, 0) < 0)
		abort();
	target(&t, &out);
	if (dump_elf_pages(vc, &t, &o) != EXIT_OK)
		goto done;
	window_init(&w, out, 0, t.size, "fuzz.elf");
	if (vmcore_open(&elf, &w) != 0 || elf.kdump)
		abort();	/* what we write, we read */
	for (uint64_t pfn = kdump_next_dumped(kd, 0); pfn != UINT64_MAX && n < MAX_PAGES;
	     pfn = kdump_next_dumped(kd, pfn + 1), n++) {
		if (kdump_read_page(kd, pfn, a) < 0)
			continue;
		if (vmcore_read_phys(&elf, pfn * kd->page_size, b, kd->page_size) < 0 ||
		    memcmp(a, b, kd->page_size) != 0)
			abort();
	}
	vmcore_close(&elf);
done:
	free(t.bad);
	free(a);
	free(b);
}

static void exercise(const struct vmcore *vc, int out)
{
	struct kdump *kd = vc->kdump;
	unsigned char buf[64], *page;
	struct inspect_uts uts;
	const char *why;
	struct err err;
	char val[128];
	size_t sink = 0, n = 0;
	uint64_t gap;

	vmcore_missing_bytes(vc);
	vmcore_arch(vc);
	inspect_dumped_bytes(vc);
	sink += notes(vc);
	vmcoreinfo_get(vc, "OSRELEASE", val, sizeof(val));
	inspect_uts(vc, &uts, &why);
	for (size_t i = 0; i < vc->nloads && i < 16; i++) {
		const struct vmcore_segment *s = &vc->loads[i];

		vmcore_read_phys(vc, s->paddr, buf, sizeof(buf));
		vmcore_read_phys(vc, s->paddr + s->memsz - 1, buf, 1);
		inspect_covered(vc, s->paddr, s->memsz, 0, &gap);
		vmcore_read_virt(vc, 0xffffffff80000000ull + s->paddr, buf, sizeof(buf));
	}
	printk_log(vc, count_record, &sink, &err);
	if (!kd)
		return;
	kdump_compression(kd);
	page = xmalloc(kd->page_size);
	for (uint64_t pfn = kdump_next_dumped(kd, 0); pfn != UINT64_MAX && n < MAX_PAGES;
	     pfn = kdump_next_dumped(kd, pfn + 1), n++)
		if (kdump_read_page(kd, pfn, page) == 0)
			sink += page[0];
	free(page);
	for (uint64_t pfn = 0; pfn < kd->max_mapnr && pfn < MAX_PAGES;) {
		uint64_t end = kdump_run_end(kd, pfn, pfn & 1);

		if (end <= pfn)
			abort();
		pfn = end;
	}
	/* Both read every page again, and the conversion scans each for
	 * zeros: only for files of the seeds' size. */
	if (kd->pages_dumped <= MAX_CONVERT) {
		inspect_verify(vc, ignore, &sink);
		convert_and_compare(vc, out);
	}
	__asm__ volatile("" : : "r"(sink));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int in = -1, flat = -1, out = -1;
	struct window w;
	struct vmcore vc;

	if (in < 0) {
		in = memfd_create("fuzz_kdump", MFD_CLOEXEC);
		flat = memfd_create("fuzz_kdump.flat", MFD_CLOEXEC);
		out = memfd_create("fuzz_kdump.elf", MFD_CLOEXEC);
	}
	if (in < 0 || flat < 0 || out < 0 || ftruncate(in, 0) < 0 ||
	    (size && pwrite_all(in, data, size, 0) < 0))
		abort();
	window_init(&w, in, 0, size, "fuzz");
	if (flat_is_stream(data, size)) {
		struct dump_target t;
		struct err err;

		if (ftruncate(flat, 0) < 0 || lseek(in, 0, SEEK_SET) < 0)
			abort();
		target(&t, &flat);
		if (flat_reassemble(in, &t, &err) != EXIT_OK)
			return 0;
		window_init(&w, flat, 0, t.size, "fuzz.reassembled");
	}
	if (vmcore_open(&vc, &w) != 0)
		return 0;
	exercise(&vc, out);
	vmcore_close(&vc);
	return 0;
}
