/* libFuzzer target: the kernel log walks of lib/printk over any VMCOREINFO
 * text and any memory, in both byte orders and word sizes, and the
 * formatting of whatever records come out, and the crash report read
 * from their last lines (core/crashreport).
 *
 * Input: a flags byte (1 big-endian, 2 32-bit, 4 stop after a few
 * records), a little-endian u16 length, that many bytes of VMCOREINFO
 * text, then the memory image, mapped as one segment at the virtual
 * address tests/dmesg-mkcore builds for (0xffffffff81000000, or
 * 0xc1000000 for 32-bit). The seeds in tests/corpus/printk/ are
 * dmesg-mkcore's rings (--compact --fuzz-seed). The core is put together
 * here rather than parsed from an ELF file: fuzz_vmcore covers the ELF
 * side, and every byte of this input steers the log reader. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "base/window.h"
#include "core/crashreport.h"
#include "core/printk.h"
#include "core/vmcore.h"

#define LAST 48

struct sink {
	struct printk_writer w;
	struct printk_panic panic;
	size_t records, stop_after;
	char last[LAST][160];	/* the last lines, as a ring */
	size_t nlast;
};

static int emit(void *arg, const struct printk_record *rec)
{
	struct sink *s = arg;
	char line[80];
	volatile size_t sum = 0;

	/* The text must be readable for its whole length. */
	for (size_t i = 0; i < rec->len; i++)
		sum += (unsigned char)rec->text[i];
	printk_write(&s->w, rec);
	printk_panic_feed(&s->panic, rec);
	printk_format_line(rec, line, sizeof(line));
	printk_format_line(rec, s->last[s->nlast++ % LAST], sizeof(s->last[0]));
	if (s->stop_after && ++s->records >= s->stop_after)
		return 7;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static FILE *devnull;
	struct vmcore vc;
	struct vmcore_segment seg;
	struct window w;
	struct sink s;
	struct err err;
	char line[128];
	size_t textlen, memlen;
	unsigned flags;
	int rc;

	if (size < 3)
		return 0;
	flags = data[0];
	textlen = (size_t)data[1] | (size_t)data[2] << 8;
	if (textlen > size - 3)
		return 0;
	memlen = size - 3 - textlen;
	if (fd < 0)
		fd = memfd_create("fuzz_printk", MFD_CLOEXEC);
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (fd < 0 || !devnull || ftruncate(fd, 0) < 0 ||
	    (memlen && pwrite_all(fd, data + 3 + textlen, memlen, 0) < 0))
		abort();
	window_init(&w, fd, 0, memlen, "fuzz");

	memset(&vc, 0, sizeof(vc));
	vc.win = &w;
	vc.elfclass = flags & 2 ? ELFCLASS32 : ELFCLASS64;
	vc.data = flags & 1 ? ELFDATA2MSB : ELFDATA2LSB;
	seg.vaddr = flags & 2 ? 0xc1000000u : 0xffffffff81000000u;
	seg.paddr = 0x1000000;
	seg.offset = 0;
	seg.filesz = seg.memsz = memlen;
	seg.flags = 0;
	vc.loads = &seg;
	vc.nloads = 1;
	vc.vmcoreinfo = xmalloc(textlen + 1);
	memcpy(vc.vmcoreinfo, data + 3, textlen);
	vc.vmcoreinfo[textlen] = '\0';
	vc.vmcoreinfo_len = strlen(vc.vmcoreinfo);

	memset(&s, 0, sizeof(s));
	s.w.out = devnull;
	s.w.skip = flags >> 4;
	s.stop_after = flags & 4 ? 3 : 0;
	printk_panic_init(&s.panic);
	printk_kind_name(printk_kind(&vc));
	rc = printk_log(&vc, emit, &s, &err);
	if (rc < 0 && !err.msg[0])
		abort();	/* an error must say why */
	if (rc > 0 && rc != 7)
		abort();
	printk_find_panic(&vc, line, sizeof(line), &err);
	{
		static struct crash_report r;
		const char *lines[LAST];
		size_t n = s.nlast < LAST ? s.nlast : LAST;

		for (size_t i = 0; i < n; i++)
			lines[i] = s.last[(s.nlast - n + i) % LAST];
		memset(&r, 0, sizeof(r));
		crash_report_read(&r, lines, (unsigned)n);
		if (r.have_report && strlen(r.signature) != 16)
			abort();
	}
	free(vc.vmcoreinfo);
	return 0;
}
