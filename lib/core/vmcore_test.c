/* The vmcore reader on cores built byte by byte here (so the layout is
 * the ELF spec's, not the reader's idea of it): byte order, VMCOREINFO
 * parsing, reads across segments and past p_filesz, truncated files, and
 * the headers QEMU gets wrong, and the holes x86_64 page tables leave. */
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

/* ---- byte order -------------------------------------------------------- */

static const unsigned char bytes[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88 };

static void byte_order_little(void **state)
{
	struct vmcore vc = { .data = ELFDATA2LSB, .elfclass = ELFCLASS64 };

	(void)state;
	assert_int_equal(vmcore_u16(&vc, bytes), 0x0201);
	assert_int_equal(vmcore_u32(&vc, bytes), 0x04030201);
	assert_true(vmcore_u64(&vc, bytes) == 0x8807060504030201ull);
	assert_true(vmcore_ulong(&vc, bytes) == 0x8807060504030201ull);
	assert_int_equal(vmcore_ulong_size(&vc), 8);
}

static void byte_order_big(void **state)
{
	struct vmcore vc = { .data = ELFDATA2MSB, .elfclass = ELFCLASS32 };

	(void)state;
	assert_int_equal(vmcore_u16(&vc, bytes), 0x0102);
	assert_int_equal(vmcore_u32(&vc, bytes), 0x01020304);
	assert_true(vmcore_u64(&vc, bytes) == 0x0102030405060788ull);
	/* ELF32: an unsigned long is 4 bytes. */
	assert_true(vmcore_ulong(&vc, bytes) == 0x01020304);
	assert_int_equal(vmcore_ulong_size(&vc), 4);
}

/* ---- VMCOREINFO -------------------------------------------------------- */

static void vmcoreinfo_parsing(void **state)
{
	char text[] = "OSRELEASE=6.1.0-56-amd64\n"
		      "OSRELEASE2=other\n"
		      "SYMBOL(prb)=ffffffff90c643e0\n"
		      "SYMBOL(bad)=xyz\n"
		      "SIZE(page)=64\n"
		      "SIZE(neg)=-1\n"
		      "OFFSET(page.flags)=0\n"
		      "LENGTH(mem_section)=4096\n"
		      "NUMBER(phys_base)=-371195904\n"
		      "NUMBER(hex)=0x1f\n"
		      "NUMBER(junk)=12abc\n"
		      "CRASHTIME=1795701788";	/* older kernels: no newline */
	struct vmcore vc = { .vmcoreinfo = text, .vmcoreinfo_len = sizeof(text) - 1 };
	char buf[64], tiny[4];
	uint64_t u;
	int64_t n;

	(void)state;
	assert_int_equal(vmcoreinfo_get(&vc, "OSRELEASE", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "6.1.0-56-amd64");
	assert_int_equal(vmcoreinfo_get(&vc, "CRASHTIME", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1795701788");
	/* A key is a whole key, not a prefix. */
	assert_int_equal(vmcoreinfo_get(&vc, "OSREL", buf, sizeof(buf)), -1);
	assert_int_equal(vmcoreinfo_get(&vc, "NOPE", buf, sizeof(buf)), -1);
	/* Too long for the buffer: absent, not cut. */
	assert_int_equal(vmcoreinfo_get(&vc, "OSRELEASE", tiny, sizeof(tiny)), -1);

	assert_int_equal(vmcoreinfo_symbol(&vc, "prb", &u), 0);
	assert_true(u == 0xffffffff90c643e0ull);
	assert_int_equal(vmcoreinfo_symbol(&vc, "bad", &u), -1);
	assert_int_equal(vmcoreinfo_size(&vc, "page", &u), 0);
	assert_true(u == 64);
	assert_int_equal(vmcoreinfo_size(&vc, "neg", &u), -1);
	assert_int_equal(vmcoreinfo_offset(&vc, "page.flags", &u), 0);
	assert_true(u == 0);
	assert_int_equal(vmcoreinfo_length(&vc, "mem_section", &u), 0);
	assert_true(u == 4096);

	assert_int_equal(vmcoreinfo_number(&vc, "phys_base", &n), 0);
	assert_true(n == -371195904);
	assert_int_equal(vmcoreinfo_number(&vc, "hex", &n), 0);
	assert_true(n == 31);
	assert_int_equal(vmcoreinfo_number(&vc, "junk", &n), -1);
	assert_int_equal(vmcoreinfo_number(&vc, "absent", &n), -1);
}

static void vmcoreinfo_absent(void **state)
{
	struct vmcore vc = { 0 };
	char buf[16];
	int64_t n;

	(void)state;
	assert_int_equal(vmcoreinfo_get(&vc, "OSRELEASE", buf, sizeof(buf)), -1);
	assert_int_equal(vmcoreinfo_number(&vc, "phys_base", &n), -1);
}

/* ---- cores built here -------------------------------------------------- */

struct seg {
	uint64_t paddr, vaddr, offset, filesz, memsz;
};

struct image {
	unsigned char buf[16384];
	size_t len;
	int msb;
};

static void put(struct image *im, size_t off, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		im->buf[off + (im->msb ? n - 1 - i : i)] = (unsigned char)(v >> (8 * i));
	if (off + n > im->len)
		im->len = off + n;
}

/* An ELF64 core: ELF header, program headers (a PT_NOTE with a
 * VMCOREINFO note, then the PT_LOADs), the notes at 0x400. Segment data
 * byte i of the file is (i * 7) & 0xff, so every byte says where it is. */
static void build(struct image *im, int msb, const struct seg *segs, size_t nsegs,
		  const char *vmcoreinfo)
{
	size_t nph = nsegs + 1, noff = 0x400, nlen, vlen = strlen(vmcoreinfo);

	memset(im, 0, sizeof(*im));
	im->msb = msb;
	for (size_t i = 0; i < sizeof(im->buf); i++)
		im->buf[i] = (unsigned char)(i * 7);
	memset(im->buf, 0, noff);
	memcpy(im->buf, "\177ELF\2", 5);
	im->buf[5] = msb ? 2 : 1;
	im->buf[6] = 1;
	put(im, 16, ET_CORE, 2);
	put(im, 18, msb ? EM_S390 : EM_X86_64, 2);
	put(im, 20, 1, 4);
	put(im, 32, 64, 8);		/* e_phoff */
	put(im, 52, 64, 2);		/* e_ehsize */
	put(im, 54, 56, 2);		/* e_phentsize */
	put(im, 56, nph, 2);		/* e_phnum */

	/* The note: "VMCOREINFO\0" padded to 12, the text padded to 4. */
	memset(im->buf + noff, 0, 0x100);
	put(im, noff, 11, 4);
	put(im, noff + 4, vlen, 4);
	put(im, noff + 8, 0, 4);
	memcpy(im->buf + noff + 12, "VMCOREINFO", 11);
	memcpy(im->buf + noff + 24, vmcoreinfo, vlen);
	nlen = 24 + ((vlen + 3) & ~(size_t)3);

	put(im, 64, PT_NOTE, 4);
	put(im, 64 + 8, noff, 8);
	put(im, 64 + 32, nlen, 8);
	put(im, 64 + 40, nlen, 8);
	for (size_t i = 0; i < nsegs; i++) {
		size_t ph = 64 + 56 * (i + 1);

		put(im, ph, PT_LOAD, 4);
		put(im, ph + 8, segs[i].offset, 8);
		put(im, ph + 16, segs[i].vaddr, 8);
		put(im, ph + 24, segs[i].paddr, 8);
		put(im, ph + 32, segs[i].filesz, 8);
		put(im, ph + 40, segs[i].memsz, 8);
		if (segs[i].offset + segs[i].filesz > im->len)
			im->len = segs[i].offset + segs[i].filesz;
	}
}

struct opened {
	int fd;
	struct window win;
	struct vmcore vc;
};

/* Open the first len bytes of the image (less than im->len: truncated). */
static int open_image(struct opened *o, const struct image *im, size_t len)
{
	o->fd = memfd_create("vmcore_test", 0);
	assert_true(o->fd >= 0);
	assert_int_equal(write_all(o->fd, im->buf, len), 0);
	window_init(&o->win, o->fd, 0, len, "test");
	return vmcore_open(&o->vc, &o->win);
}

static void close_image(struct opened *o)
{
	vmcore_close(&o->vc);
	close(o->fd);
}

static unsigned char file_byte(uint64_t off)
{
	return (unsigned char)(off * 7);
}

/* Physically adjacent segments stored apart in the file, and one whose
 * memory is longer than its file data. */
static const struct seg two[] = {
	{ 0x10000, 0xffff000000010000, 0x1000, 0x1000, 0x1000 },
	{ 0x11000, 0xffff000000011000, 0x3000, 0x800, 0x1000 },
};

static void read_across_segments(void **state)
{
	struct image im;
	struct opened o;
	unsigned char buf[0x20];

	(void)state;
	build(&im, 0, two, 2, "OSRELEASE=test\n");
	assert_int_equal(open_image(&o, &im, im.len), 0);
	assert_int_equal(o.vc.nloads, 2);
	assert_int_equal(vmcore_read_phys(&o.vc, 0x10ff0, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < 0x10; i++)
		assert_int_equal(buf[i], file_byte(0x1ff0 + i));
	for (size_t i = 0x10; i < 0x20; i++)
		assert_int_equal(buf[i], file_byte(0x3000 + i - 0x10));
	/* The same bytes through the virtual addresses. */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(vmcore_read_virt(&o.vc, 0xffff000000010ff0, buf, sizeof(buf)), 0);
	assert_int_equal(buf[0x1f], file_byte(0x300f));
	close_image(&o);
}

static void past_filesz_reads_zero(void **state)
{
	struct image im;
	struct opened o;
	unsigned char buf[0x20];

	(void)state;
	build(&im, 1, two, 2, "OSRELEASE=test\n");
	assert_int_equal(open_image(&o, &im, im.len), 0);
	/* 0x117f0..0x11810: the last file bytes, then zeros. */
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(vmcore_read_phys(&o.vc, 0x117f0, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < 0x10; i++)
		assert_int_equal(buf[i], file_byte(0x37f0 + i));
	for (size_t i = 0x10; i < 0x20; i++)
		assert_int_equal(buf[i], 0);
	/* Past the last segment: not in the dump. */
	errno = 0;
	assert_int_equal(vmcore_read_phys(&o.vc, 0x11ff0, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(vmcore_read_phys(&o.vc, 0x0, buf, 1), -1);
	assert_int_equal(errno, ERANGE);
	close_image(&o);
}

static void big_endian_core(void **state)
{
	struct image im;
	struct opened o;
	char buf[32];

	(void)state;
	build(&im, 1, two, 2, "OSRELEASE=6.1.0-50-s390x\nNUMBER(x)=-5\n");
	assert_int_equal(open_image(&o, &im, im.len), 0);
	assert_int_equal(o.vc.data, ELFDATA2MSB);
	assert_string_equal(vmcore_arch(&o.vc), "s390x");
	assert_int_equal(o.vc.nloads, 2);
	assert_true(o.vc.loads[1].paddr == 0x11000 && o.vc.loads[1].memsz == 0x1000);
	assert_non_null(o.vc.vmcoreinfo);
	assert_int_equal(vmcoreinfo_get(&o.vc, "OSRELEASE", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "6.1.0-50-s390x");
	close_image(&o);
}

static void truncated_file(void **state)
{
	struct image im;
	struct opened o;
	unsigned char buf[0x20];

	(void)state;
	build(&im, 0, two, 2, "OSRELEASE=test\n");
	/* Cut 0x100 bytes off the second segment's file data. */
	assert_int_equal(open_image(&o, &im, im.len - 0x100), 0);
	assert_true(vmcore_missing_bytes(&o.vc) == 0x100);
	assert_true(o.vc.expected_size == im.len);
	/* Before the cut: fine. */
	assert_int_equal(vmcore_read_phys(&o.vc, 0x116e0, buf, 0x20), 0);
	assert_int_equal(buf[0], file_byte(0x36e0));
	/* Across it: EIO, not zeros. */
	errno = 0;
	assert_int_equal(vmcore_read_phys(&o.vc, 0x116f0, buf, 0x20), -1);
	assert_int_equal(errno, EIO);
	close_image(&o);

	/* Cut inside the notes: the core is damaged, not "not ours". */
	assert_int_equal(open_image(&o, &im, 0x410), EXIT_DAMAGED);
	close(o.fd);
	/* Cut inside the ELF header: not even an ELF header. */
	assert_int_equal(open_image(&o, &im, 10), EXIT_NOT_OURS);
	close(o.fd);
}

static void section_headers_ignored(void **state)
{
	struct image im;
	struct opened o;

	(void)state;
	build(&im, 1, two, 2, "OSRELEASE=test\n");
	/* As QEMU writes them: e_ehsize 8, section headers over the
	 * program headers, a string table index to junk. */
	put(&im, 52, 8, 2);
	put(&im, 40, 0x40, 8);
	put(&im, 58, 64, 2);
	put(&im, 60, 2, 2);
	put(&im, 62, 1, 2);
	assert_int_equal(open_image(&o, &im, im.len), 0);
	assert_int_equal(o.vc.nloads, 2);
	close_image(&o);
	/* Section headers far past the end of the file. */
	put(&im, 40, 0x7fffff00, 8);
	put(&im, 60, 300, 2);
	assert_int_equal(open_image(&o, &im, im.len), 0);
	assert_int_equal(o.vc.nloads, 2);
	assert_non_null(o.vc.vmcoreinfo);
	close_image(&o);
	/* e_shnum 0 with e_shoff set: the count would be sh_size of a
	 * "section 0" that is really program header bytes. */
	put(&im, 40, 0x40, 8);
	put(&im, 60, 0, 2);
	put(&im, 62, 0xffff, 2);
	assert_int_equal(open_image(&o, &im, im.len), 0);
	assert_int_equal(o.vc.nloads, 2);
	close_image(&o);
}

static void pn_xnum(void **state)
{
	struct image im;
	struct opened o;

	(void)state;
	build(&im, 0, two, 2, "OSRELEASE=test\n");
	/* e_phnum PN_XNUM; section header 0 at 0x300 holds 3 in sh_info. */
	put(&im, 56, PN_XNUM, 2);
	put(&im, 40, 0x300, 8);
	put(&im, 58, 64, 2);
	put(&im, 60, 1, 2);
	memset(im.buf + 0x300, 0, 64);
	put(&im, 0x300 + 44, 3, 4);
	assert_int_equal(open_image(&o, &im, im.len), 0);
	assert_int_equal(o.vc.nphdr, 3);
	assert_int_equal(o.vc.nloads, 2);
	close_image(&o);
	/* PN_XNUM without a usable section 0. */
	put(&im, 58, 12, 2);
	assert_int_equal(open_image(&o, &im, im.len), EXIT_DAMAGED);
	close(o.fd);
}

static void bogus_headers(void **state)
{
	struct image im;
	struct opened o;

	(void)state;
	build(&im, 0, two, 2, "OSRELEASE=test\n");
	put(&im, 56, 60000, 2);		/* e_phnum past the end of the file */
	assert_int_equal(open_image(&o, &im, im.len), EXIT_DAMAGED);
	close(o.fd);
	build(&im, 0, two, 2, "OSRELEASE=test\n");
	put(&im, 16, ET_EXEC, 2);
	assert_int_equal(open_image(&o, &im, im.len), EXIT_NOT_OURS);
	close(o.fd);
	build(&im, 0, two, 2, "OSRELEASE=test\n");
	put(&im, 64 + 8, UINT64_MAX - 4, 8);	/* p_offset + p_filesz overflows */
	assert_int_equal(open_image(&o, &im, im.len), EXIT_DAMAGED);
	close(o.fd);
	/* Two PT_NOTEs whose sizes wrap around to a small sum (found by
	 * fuzz_vmcore: the reader then asked for 2^64 - 1 bytes). */
	build(&im, 0, two, 2, "OSRELEASE=test\n");
	put(&im, 64 + 56, PT_NOTE, 4);
	put(&im, 64 + 56 + 8, 0, 8);
	put(&im, 64 + 56 + 32, UINT64_MAX - 0x28 + 1, 8);	/* + the first note's 0x28 */
	assert_int_equal(open_image(&o, &im, im.len), EXIT_DAMAGED);
	close(o.fd);
}

/* ---- page-table holes ----------------------------------------------------
 * Physical 0x0-0x2000 in the file at 0x1000: the top-level table
 * (init_top_pgt) at physical 0x1000, a second-level table at 0. A
 * missing entry fails the translation, and says how far the hole it
 * leaves reaches, so that searches and reads step over it whole. */
static const struct seg tables[] = {
	{ 0, 0, 0x1000, 0x2000, 0x2000 },
};
#define DIRECT_MAP	0xffff888000000000ull

static void build_tables(struct image *im, uint64_t root)
{
	char info[128];

	snprintf(info, sizeof(info), "SYMBOL(init_top_pgt)=%llx\nNUMBER(phys_base)=0\n",
		 (unsigned long long)(0xffffffff80000000ull + root));
	build(im, 0, tables, 1, info);
	memset(im->buf + 0x1000, 0, 0x2000);
}

static void page_table_holes(void **state)
{
	uint64_t pgd_span = 1ull << 39, pud_span = 1ull << 30, pa, left;
	uint64_t va = DIRECT_MAP + 5 * pud_span + 0x1234;
	unsigned char buf[3 * 4096];
	struct image im;
	struct opened o;
	struct vtop t;

	(void)state;
	/* An empty top-level table: the hole is the rest of its entry. */
	build_tables(&im, 0x1000);
	assert_int_equal(open_image(&o, &im, im.len), 0);
	vtop_init(&t, &o.vc);
	assert_int_equal(vtop_extent(&t, va, &pa, &left), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(left, pgd_span - (va & (pgd_span - 1)));
	/* Reading it gives zeros, all counted as missing. */
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(vtop_read(&t, va, buf, sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	close_image(&o);

	/* A present top-level entry over an empty second level: 1 GiB. */
	put(&im, 0x2000 + ((va >> 39) & 511) * 8, 0x0 | 1, 8);
	assert_int_equal(open_image(&o, &im, im.len), 0);
	vtop_init(&t, &o.vc);
	assert_int_equal(vtop_extent(&t, va, &pa, &left), -1);
	assert_int_equal(left, pud_span - (va & (pud_span - 1)));
	close_image(&o);

	/* A top-level table the core does not hold: unreadable, the same. */
	build_tables(&im, 0x100000);
	assert_int_equal(open_image(&o, &im, im.len), 0);
	vtop_init(&t, &o.vc);
	assert_int_equal(vtop_extent(&t, va, &pa, &left), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(left, pgd_span - (va & (pgd_span - 1)));
	close_image(&o);

	/* Not canonical: the hole reaches the kernel half. */
	build_tables(&im, 0x1000);
	assert_int_equal(open_image(&o, &im, im.len), 0);
	vtop_init(&t, &o.vc);
	assert_int_equal(vtop_extent(&t, 0x0000800000000000ull, &pa, &left), -1);
	assert_int_equal(left, 0xffff800000000000ull - 0x0000800000000000ull);
	close_image(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(byte_order_little),
		cmocka_unit_test(byte_order_big),
		cmocka_unit_test(vmcoreinfo_parsing),
		cmocka_unit_test(vmcoreinfo_absent),
		cmocka_unit_test(read_across_segments),
		cmocka_unit_test(past_filesz_reads_zero),
		cmocka_unit_test(big_endian_core),
		cmocka_unit_test(truncated_file),
		cmocka_unit_test(section_headers_ignored),
		cmocka_unit_test(pn_xnum),
		cmocka_unit_test(bogus_headers),
		cmocka_unit_test(page_table_holes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
