/* The checked I/O wrappers: short counts, end of file and number parsing,
 * which every reader and writer relies on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/dumpbox.h"
#include "base/window.h"

static int tmpfile_with(const char *text)
{
	char path[] = "/tmp/dumpbox-xfuncs.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	return fd;
}

static void parse_u64_whole_string_only(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_u64("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_u64("0x1000", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("18446744073709551616", &v), -1);
	assert_int_equal(parse_u64("12k", &v), -1);
	assert_int_equal(parse_u64("", &v), -1);
	assert_int_equal(parse_u64("-1", &v), -1);
	assert_int_equal(parse_u64(" 1", &v), -1);
}

/* A read that reaches end of file reports how much it got instead of
 * pretending the buffer was filled. */
static void pread_full_short_at_eof(void **state)
{
	int fd = tmpfile_with("0123456789");
	char buf[16];
	size_t got = 99;

	(void)state;
	assert_int_equal(pread_full(fd, buf, sizeof(buf), 4, &got), 0);
	assert_int_equal(got, 6);
	assert_memory_equal(buf, "456789", 6);
	/* Without a place to report a short read, it is an error. */
	assert_int_equal(pread_full(fd, buf, sizeof(buf), 4, NULL), -1);
	assert_int_equal(errno, EIO);
	close(fd);
}

/* Windows clip reads at their end, so a reader given the dump area of a
 * partition cannot read past it into the next one. */
static void window_reads_stay_inside(void **state)
{
	int fd = tmpfile_with("AAAAbbbbbbCCCC");
	struct window w;
	char buf[32];

	(void)state;
	window_init(&w, fd, 4, 6, "test");
	assert_int_equal(window_pread(&w, buf, sizeof(buf), 0), 6);
	assert_memory_equal(buf, "bbbbbb", 6);
	assert_int_equal(window_pread(&w, buf, sizeof(buf), 4), 2);
	assert_int_equal(window_pread(&w, buf, sizeof(buf), 6), 0);
	assert_int_equal(window_pread(&w, buf, sizeof(buf), UINT64_MAX), 0);
	close(fd);
}

static void write_all_reports_full_disk(void **state)
{
	int fd = open("/dev/full", O_WRONLY);

	(void)state;
	if (fd < 0)
		skip();
	assert_int_equal(write_all(fd, "x", 1), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(pwrite_all(fd, "x", 1, 0), -1);
	close(fd);
}

/* A byte anywhere, at any length and alignment, makes a block non-zero. */
static void buf_is_zero_sees_every_byte(void **state)
{
	static unsigned char buf[4096 + 16];

	(void)state;
	assert_true(buf_is_zero(buf, 0));
	for (size_t off = 0; off < 9; off++)
		for (size_t len = 1; len <= 200; len++) {
			assert_true(buf_is_zero(buf + off, len));
			for (size_t at = 0; at < len; at++) {
				buf[off + at] = 0x80;
				assert_false(buf_is_zero(buf + off, len));
				buf[off + at] = 0;
			}
		}
	buf[4095] = 1;
	assert_false(buf_is_zero(buf, 4096));
	assert_true(buf_is_zero(buf, 4095));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_u64_whole_string_only),
		cmocka_unit_test(buf_is_zero_sees_every_byte),
		cmocka_unit_test(pread_full_short_at_eof),
		cmocka_unit_test(window_reads_stay_inside),
		cmocka_unit_test(write_all_reports_full_disk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
