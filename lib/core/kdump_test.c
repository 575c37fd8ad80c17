/* The kdump-compressed reader on files built here with the format's
 * encoders: pfn -> descriptor across many rank blocks, both byte orders,
 * a --split file's range, INCOMPLETE, and damage. Real files
 * (makedumpfile's, QEMU's) are in tests/vmcore-inspect.test and
 * tests/slow/kdump-read.test. */
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
#include "core/kdump.h"

#define PS 4096u

/* Which pfns the file holds: every 3rd, and a run, and the last. */
static int wanted(uint64_t pfn, uint64_t max)
{
	return pfn % 3 == 0 || (pfn >= 9000 && pfn < 9100) || pfn == max - 1;
}

struct built {
	int fd;
	struct window w;
	uint64_t ndumped;
};

/* A file of max pfns, uncompressed pages whose first 8 bytes are the
 * pfn (in the file's byte order, though the reader never looks). */
static void build(struct built *b, int be, uint64_t max, int split, uint64_t start,
		  uint64_t end, int incomplete)
{
	struct kdump_header h;
	unsigned char *blk = calloc(1, PS), *bm1, *bm2, page[PS];
	uint64_t bmlen = (max + 8 * PS - 1) / (8 * PS) * PS, n = 0, off_desc, data;

	memset(&h, 0, sizeof(h));
	h.big_endian = be;
	h.header_version = 6;
	snprintf(h.utsname[4], sizeof(h.utsname[4]), "%s", be ? "s390x" : "x86_64");
	h.status = incomplete ? KDUMP_STATUS_INCOMPLETE : 0;
	h.block_size = PS;
	h.sub_hdr_size = 1;
	h.bitmap_blocks = (uint32_t)(2 * bmlen / PS);
	h.max_mapnr = (uint32_t)max;
	h.max_mapnr_64 = max;
	h.split = split;
	h.start_pfn_64 = start;
	h.end_pfn_64 = end;
	bm1 = calloc(1, bmlen);
	bm2 = calloc(1, bmlen);
	for (uint64_t p = 0; p < max; p++) {
		bm1[p / 8] |= (unsigned char)(1u << (p % 8));
		if (wanted(p, max) && (!split || (p >= start && p < end))) {
			bm2[p / 8] |= (unsigned char)(1u << (p % 8));
			n++;
		}
	}
	b->fd = memfd_create("kdump_test", MFD_CLOEXEC);
	assert_true(b->fd >= 0);
	kdump_header_encode(&h, blk);
	assert_int_equal(pwrite_all(b->fd, blk, PS, 0), 0);
	memset(blk, 0, PS);
	kdump_subheader_encode(&h, blk);
	assert_int_equal(pwrite_all(b->fd, blk, PS, PS), 0);
	assert_int_equal(pwrite_all(b->fd, bm1, bmlen, 2 * PS), 0);
	assert_int_equal(pwrite_all(b->fd, bm2, bmlen, 2 * PS + bmlen), 0);
	off_desc = 2 * PS + 2 * bmlen;
	data = off_desc + n * KDUMP_PAGE_DESC_SIZE;
	n = 0;
	for (uint64_t p = 0; p < max; p++) {
		struct kdump_page_desc d = { (int64_t)data, PS, 0, 0 };
		unsigned char raw[KDUMP_PAGE_DESC_SIZE];

		if (!(bm2[p / 8] >> (p % 8) & 1))
			continue;
		kdump_page_desc_encode(be, &d, raw);
		assert_int_equal(pwrite_all(b->fd, raw, sizeof(raw), off_desc + n * sizeof(raw)), 0);
		memset(page, 0, sizeof(page));
		memcpy(page, &p, sizeof(p));
		assert_int_equal(pwrite_all(b->fd, page, PS, data), 0);
		data += PS;
		n++;
	}
	b->ndumped = n;
	window_init(&b->w, b->fd, 0, data, "test");
	free(blk);
	free(bm1);
	free(bm2);
}

static void every_pfn_finds_its_page(int be)
{
	struct built b;
	struct kdump kd;
	struct err err;
	unsigned char page[PS];
	uint64_t max = 3 * KDUMP_RANK_BITS + 77, got;

	build(&b, be, max, 0, 0, 0, 0);
	assert_int_equal(kdump_open(&kd, &b.w, &err), 0);
	assert_int_equal(kd.h.big_endian, be);
	assert_true(kd.pages_dumped == b.ndumped);
	assert_true(kd.pages_ram == max);
	for (uint64_t p = 0; p < max; p++) {
		int rc = kdump_read_page(&kd, p, page);

		if (!wanted(p, max)) {
			assert_int_equal(rc, -1);
			assert_int_equal(errno, ERANGE);
			continue;
		}
		assert_int_equal(rc, 0);
		memcpy(&got, page, sizeof(got));
		assert_true(got == p);
	}
	assert_int_equal(kdump_read_page(&kd, max, page), -1);
	assert_int_equal(errno, ERANGE);
	assert_true(kdump_next_dumped(&kd, 1) == 3);
	assert_true(kdump_next_dumped(&kd, max) == UINT64_MAX);
	assert_true(kdump_run_end(&kd, 9000, 0) == 9100);
	assert_true(kdump_run_end(&kd, 0, 1) == max);
	kdump_close(&kd);
	close(b.fd);
}

static void little_endian(void **state)
{
	(void)state;
	every_pfn_finds_its_page(0);
}

static void big_endian(void **state)
{
	(void)state;
	every_pfn_finds_its_page(1);
}

static void split_range(void **state)
{
	struct built b;
	struct kdump kd;
	struct err err;
	unsigned char page[PS];
	uint64_t got;

	(void)state;
	build(&b, 0, 20000, 1, 8000, 12000, 0);
	assert_int_equal(kdump_open(&kd, &b.w, &err), 0);
	assert_true(kd.pfn_start == 8000 && kd.pfn_end == 12000);
	assert_int_equal(kdump_read_page(&kd, 6, page), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(kdump_read_page(&kd, 9050, page), 0);
	memcpy(&got, page, sizeof(got));
	assert_true(got == 9050);
	assert_int_equal(kdump_read_page(&kd, 11997, page), 0);
	memcpy(&got, page, sizeof(got));
	assert_true(got == 11997);
	kdump_close(&kd);
	close(b.fd);
}

static void incomplete_and_truncated(void **state)
{
	struct built b;
	struct kdump kd;
	struct err err;
	unsigned char page[PS];
	struct window w;

	(void)state;
	build(&b, 0, 9000, 0, 0, 0, 1);
	/* Cut in the data of the last pages: they are missing, not damage. */
	window_init(&w, b.fd, 0, b.w.size - 10 * PS, "test");
	assert_int_equal(kdump_open(&kd, &w, &err), 0);
	assert_true(kd.incomplete);
	assert_int_equal(kdump_read_page(&kd, 0, page), 0);
	assert_int_equal(kdump_read_page(&kd, 8999, page), -1);
	assert_int_equal(errno, ERANGE);
	assert_non_null(strstr(kd.err.msg, "missing from the incomplete dump"));
	kdump_close(&kd);
	close(b.fd);

	/* Without INCOMPLETE, the same cut is a truncated file. */
	build(&b, 0, 9000, 0, 0, 0, 0);
	window_init(&w, b.fd, 0, b.w.size - 10 * PS, "test");
	assert_int_equal(kdump_open(&kd, &w, &err), 0);
	assert_int_equal(kdump_read_page(&kd, 8999, page), -1);
	assert_int_equal(errno, EIO);
	assert_non_null(strstr(kd.err.msg, "truncated"));
	assert_true(kd.expected_size == b.w.size);
	kdump_close(&kd);
	close(b.fd);
}

static void damage(void **state)
{
	struct built b;
	struct kdump kd;
	struct err err;
	struct window w;

	(void)state;
	build(&b, 1, 5000, 0, 0, 0, 0);
	/* Bitmaps cut off by the end of the file. */
	window_init(&w, b.fd, 0, 3 * PS, "test");
	assert_int_equal(kdump_open(&kd, &w, &err), EXIT_DAMAGED);
	assert_non_null(strstr(err.msg, "bitmaps end"));
	/* Not a kdump file. */
	window_init(&w, b.fd, PS, 2 * PS, "test");
	assert_int_equal(kdump_open(&kd, &w, &err), EXIT_NOT_OURS);
	close(b.fd);
}

/* The codec bits makedumpfile writes (DUMP_DH_COMPRESSED_*), both ways. */
static void codec_flags(void **state)
{
	static const enum codec all[] = { CODEC_NONE, CODEC_ZLIB, CODEC_LZO, CODEC_SNAPPY, CODEC_ZSTD };
	static const uint32_t flags[] = { 0, KDUMP_PAGE_ZLIB, KDUMP_PAGE_LZO,
					  KDUMP_PAGE_SNAPPY, KDUMP_PAGE_ZSTD };
	enum codec c;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		assert_int_equal(codec_kdump_flag(all[i]), flags[i]);
		assert_int_equal(codec_from_kdump_flag(flags[i], &c), 0);
		assert_int_equal(c, all[i]);
	}
	assert_int_equal(codec_kdump_flag(CODEC_ZLIB), 0x01);
	assert_int_equal(codec_kdump_flag(CODEC_LZO), 0x02);
	assert_int_equal(codec_kdump_flag(CODEC_SNAPPY), 0x04);
	assert_int_equal(codec_kdump_flag(CODEC_ZSTD), 0x20);
	/* Two codecs at once is damage. */
	assert_int_equal(codec_from_kdump_flag(KDUMP_PAGE_ZLIB | KDUMP_PAGE_LZO, &c), -1);
	assert_int_equal(codec_from_kdump_flag(KDUMP_PAGE_SNAPPY | KDUMP_PAGE_ZSTD, &c), -1);
	assert_int_equal(codec_from_kdump_flag(0x27, &c), -1);
	/* The header's other status bits do not name a codec. */
	assert_int_equal(codec_from_kdump_flag(KDUMP_STATUS_INCOMPLETE | KDUMP_STATUS_EXCLUDED_VMEMMAP, &c), 0);
	assert_int_equal(c, CODEC_NONE);
	assert_int_equal(codec_from_kdump_flag(KDUMP_STATUS_ZSTD | KDUMP_STATUS_INCOMPLETE, &c), 0);
	assert_int_equal(c, CODEC_ZSTD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(little_endian),
		cmocka_unit_test(codec_flags),
		cmocka_unit_test(big_endian),
		cmocka_unit_test(split_range),
		cmocka_unit_test(incomplete_and_truncated),
		cmocka_unit_test(damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
