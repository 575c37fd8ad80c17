/* libFuzzer target: the vmcore reader and everything vmcore-inspect's
 * info, notes, verify and triage decode from it (kallsyms, the stack
 * scan), and the page-table walks. The input is a whole file, fed
 * through a memfd and a window as a real file or block device would be. */
// fuzz-max-len: 65800
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "base/window.h"
#include "core/notes.h"
#include "core/vaddr.h"
#include "core/vmcore.h"
#include "job/inspect.h"
#include "job/triage.h"

static void ignore(void *arg, enum inspect_severity sev, const char *where,
		   uint64_t offset, const char *msg)
{
	/* Touch the strings: a bad pointer must show up here. */
	*(size_t *)arg += (size_t)sev + strlen(where) + strlen(msg) + (offset & 1);
}

static size_t decode_notes(const struct vmcore *vc)
{
	char hex[NOTES_HEX_MAX];
	size_t sum = 0;

	notes_cpus(vc);
	for (size_t i = 0; i < vc->nnotes; i++) {
		const struct vmcore_note *n = &vc->notes[i];
		const struct note_layout *l = notes_layout(vc, n);

		notes_type_name(n);
		notes_pid(vc, n);
		for (size_t k = 0; l && k < l->nfields; k++)
			notes_field_hex(vc, n, &l->fields[k], hex, sizeof(hex));
		/* The bytes the reader says a note has are there. */
		for (uint32_t b = 0; b < n->descsz; b++)
			sum += n->desc[b];
		sum += strlen(n->name);
	}
	return sum;
}

static void read_memory(const struct vmcore *vc)
{
	unsigned char buf[64];
	uint64_t gap;

	for (size_t i = 0; i < vc->nloads && i < 16; i++) {
		const struct vmcore_segment *s = &vc->loads[i];
		uint64_t last = s->memsz ? s->memsz - 1 : 0;

		vmcore_read_phys(vc, s->paddr, buf, sizeof(buf));
		vmcore_read_virt(vc, s->vaddr + last / 2, buf, sizeof(buf));
		vmcore_read_phys(vc, s->paddr + last, buf, 1);
		inspect_covered(vc, s->paddr, s->memsz, 0, &gap);
		inspect_covered(vc, s->vaddr, 1 + last % 4096, 1, &gap);
	}
}

/* Page-table walks (s390x: the DAT tables of an in-memory VMCOREINFO's
 * swapper_pg_dir; tests/corpus/vmcore/s390x-lowcore has one): where the
 * kernel, a vmemmap, the top of a region table and the end would be. */
static void translate(const struct vmcore *vc)
{
	static const uint64_t va[] = { 0x1000, 0x100000, 0x37200000000ull, 1ull << 42,
				       1ull << 53, UINT64_MAX - 4095 };
	struct vtop t;
	uint64_t pa, left;

	vtop_init(&t, vc);
	for (size_t i = 0; i < ARRAY_SIZE(va); i++) {
		vmcore_vtop(vc, va[i], &pa);
		vtop_extent(&t, va[i] + 0x1000, &pa, &left);
	}
}

static void lookups(const struct vmcore *vc)
{
	static const char *const keys[] = { "OSRELEASE", "PAGESIZE", "CRASHTIME", "BUILD-ID" };
	char buf[128];
	uint64_t u;
	int64_t n;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		vmcoreinfo_get(vc, keys[i], buf, sizeof(buf));
	vmcoreinfo_symbol(vc, "init_uts_ns", &u);
	vmcoreinfo_offset(vc, "uts_namespace.name", &u);
	vmcoreinfo_size(vc, "page", &u);
	vmcoreinfo_length(vc, "mem_section", &u);
	vmcoreinfo_number(vc, "phys_base", &n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct window w;
	struct vmcore vc;
	struct inspect_uts uts;
	const char *why;
	size_t sink = 0;

	if (fd < 0)
		fd = memfd_create("fuzz_vmcore", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) < 0 || (size && pwrite_all(fd, data, size, 0) < 0))
		abort();
	window_init(&w, fd, 0, size, "fuzz");
	if (vmcore_open(&vc, &w) != 0)
		return 0;
	vmcore_missing_bytes(&vc);
	vmcore_arch(&vc);
	inspect_dumped_bytes(&vc);
	sink += decode_notes(&vc);
	lookups(&vc);
	inspect_uts(&vc, &uts, &why);
	read_memory(&vc);
	translate(&vc);
	{
		/* kallsyms, the stack scan, the crash report. */
		static struct triage t;
		struct err e;

		triage_run(&vc, &t, &e);
	}
	inspect_verify(&vc, ignore, &sink);
	vmcore_close(&vc);
	/* Keep the sums alive: the compiler may not drop the reads. */
	__asm__ volatile("" : : "r"(sink));
	return 0;
}
