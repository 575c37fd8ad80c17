/* The pure parts of the kernel log reader: how a record is printed (the
 * makedumpfile format, byte by byte), how a lockless ring position becomes
 * a text range, and the small parsers behind --since and the panic line.
 * The walks over real and generated vmcores are tested in tests/. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/printk.h"

static char outbuf[1 << 18];

/* Format records through a writer into outbuf. */
static const char *render(struct printk_writer *w, const struct printk_record *recs, size_t n)
{
	FILE *f = fmemopen(outbuf, sizeof(outbuf), "w");

	assert_non_null(f);
	w->out = f;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(printk_write(w, &recs[i]), 0);
	assert_int_equal(fclose(f), 0);
	w->out = NULL;
	return outbuf;
}

#define REC(ts, s) { .ts_nsec = (ts), .text = (s), .len = sizeof(s) - 1 }
#define RAW(s) { .text = (s), .len = sizeof(s) - 1, .raw = 1 }

static void prefix_is_makedumpfiles(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(printk_prefix(0, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "[    0.000000] ");
	printk_prefix(3303307999ull, buf, sizeof(buf));
	assert_string_equal(buf, "[    3.303307] ");	/* truncated, not rounded */
	printk_prefix(99999999999ull, buf, sizeof(buf));
	assert_string_equal(buf, "[   99.999999] ");
	printk_prefix(123456789012345678ull, buf, sizeof(buf));
	assert_string_equal(buf, "[123456789.012345] ");
	printk_prefix(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "[18446744073.709551] ");
	/* Cut to fit, always terminated. */
	assert_int_equal(printk_prefix(0, buf, 5), 4);
	assert_string_equal(buf, "[   ");
}

/* Every byte: printed as itself exactly when makedumpfile's
 * isprint() || isspace() (C locale) says so, else \x and two hex digits of
 * the byte (not the sign-extended int makedumpfile 1.7.2 prints). */
static void escape_matches_c_locale_ctype(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_ALL, "C"));
	for (int c = 0; c < 256; c++) {
		char out[5] = { 0 }, want[5];
		size_t n = printk_escape((unsigned char)c, out);

		if (isprint(c) || isspace(c)) {
			assert_int_equal(n, 1);
			assert_int_equal((unsigned char)out[0], c);
		} else {
			snprintf(want, sizeof(want), "\\x%02x", c);
			assert_int_equal(n, 4);
			assert_memory_equal(out, want, 4);
		}
	}
}

static void multi_line_records_are_indented(void **state)
{
	struct printk_writer w = { 0 };
	struct printk_record r[] = {
		REC(2172028000ull, "dumpbox-test: line one\nline two"),
		REC(1000, "a\n\nb\n"),
	};

	(void)state;
	assert_string_equal(render(&w, r, 2),
		"[    2.172028] dumpbox-test: line one\n"
		"               line two\n"
		"[    0.000001] a\n"
		"               \n"
		"               b\n"
		"               \n");
	assert_int_equal(w.lines, 6);
}

static void odd_bytes_are_escaped(void **state)
{
	struct printk_writer w = { 0 };
	struct printk_record r[] = {
		REC(0, "caf\xc3\xa9 \xc3\xbc"),
		REC(0, "tab\there\rcr\x01\x7f\xff"),
		{ .ts_nsec = 0, .text = "nul\0byte", .len = 8 },
		REC(0, ""),
	};

	(void)state;
	assert_string_equal(render(&w, r, 4),
		"[    0.000000] caf\\xc3\\xa9 \\xc3\\xbc\n"
		"[    0.000000] tab\there\rcr\\x01\\x7f\\xff\n"
		"[    0.000000] nul\\x00byte\n"
		"[    0.000000] \n");
}

/* A record longer than the writer's chunk, full of expansions. */
static void long_records_survive_chunking(void **state)
{
	static char text[20000];
	struct printk_writer w = { 0 };
	struct printk_record r = { .ts_nsec = 5, .text = text, .len = sizeof(text) };
	const char *out;
	size_t pos = 15;

	(void)state;
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)(i % 3 == 0 ? '\n' : i % 3 == 1 ? 0x80 : 'x');
	out = render(&w, &r, 1);
	assert_memory_equal(out, "[    0.000000] ", 15);
	for (size_t i = 0; i < sizeof(text); i++) {
		if (i % 3 == 0) {
			assert_memory_equal(out + pos, "\n               ", 16);
			pos += 16;
		} else if (i % 3 == 1) {
			assert_memory_equal(out + pos, "\\x80", 4);
			pos += 4;
		} else {
			assert_int_equal(out[pos++], 'x');
		}
	}
	assert_string_equal(out + pos, "\n");
	assert_int_equal(w.lines, 1 + (sizeof(text) + 2) / 3);
}

/* --tail: the first pass counts, the second drops all but the last lines,
 * also inside a multi-line record. */
static void writer_counts_and_skips_lines(void **state)
{
	struct printk_record r[] = {
		REC(1000000000, "one"),
		REC(2000000000, "two\nthree"),
		REC(3000000000u, "four"),
	};
	struct printk_writer count = { 0 }, w = { .skip = 2 };

	(void)state;
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(printk_write(&count, &r[i]), 0);
	assert_int_equal(count.lines, 4);
	assert_string_equal(render(&w, r, 3),
		"               three\n"
		"[    3.000000] four\n");
	assert_int_equal(w.lines, 4);
}

/* Legacy records are raw bytes; lines are counted across pieces. */
static void raw_records_pass_through(void **state)
{
	struct printk_record r[] = {
		RAW("<6>[    1.000000] a\n"),
		RAW("<4>long "),
		RAW("line\n"),
		RAW("\xc3\x01 no newline at the end"),
	};
	struct printk_writer w = { .skip = 1 };

	(void)state;
	assert_string_equal(render(&w, r, 4),
		"<4>long line\n\xc3\x01 no newline at the end");
	assert_int_equal(w.lines, 3);
	assert_int_equal(w.mid_line, 1);
}

static void first_line_for_screens(void **state)
{
	struct printk_record rec = REC(3303307000ull, "Kernel panic - not syncing: x\n  more");
	struct printk_record raw = RAW("<0>[    3.3] Kernel \xc3panic\n");
	char buf[64];

	(void)state;
	assert_int_equal(printk_format_line(&rec, buf, sizeof(buf)), 44);
	assert_string_equal(buf, "[    3.303307] Kernel panic - not syncing: x");
	assert_int_equal(printk_format_line(&rec, buf, 20), 19);
	assert_string_equal(buf, "[    3.303307] Kern");
	printk_format_line(&raw, buf, sizeof(buf));
	assert_string_equal(buf, "<0>[    3.3] Kernel \\xc3panic");
	/* An escape that does not fit is left out whole. */
	printk_format_line(&raw, buf, 24);
	assert_string_equal(buf, "<0>[    3.3] Kernel ");
}

/* Ring positions: the arithmetic of makedumpfile and vmcore-dmesg. */
static void block_positions(void **state)
{
	uint64_t off = 99, len = 99;

	(void)state;
	/* A regular block in the second wrap: id, then 16 bytes of text. */
	assert_int_equal(printk_blk_text(128 + 32, 128 + 56, 128, 8, &off, &len), 1);
	assert_int_equal(off, 40);
	assert_int_equal(len, 16);
	/* Wrapping: the data is at the start of the ring. */
	assert_int_equal(printk_blk_text(128 + 120, 256 + 24, 128, 8, &off, &len), 1);
	assert_int_equal(off, 8);
	assert_int_equal(len, 16);
	/* Positions near the top of the word (the kernel starts there). */
	assert_int_equal(printk_blk_text(UINT64_MAX - 127, UINT64_MAX - 111, 128, 8, &off, &len), 1);
	assert_int_equal(off, 8);
	assert_int_equal(len, 8);
	/* 32-bit ids. */
	assert_int_equal(printk_blk_text(64, 76, 128, 4, &off, &len), 1);
	assert_int_equal(off, 68);
	assert_int_equal(len, 8);
	/* Data-less blocks (FAILED_LPOS, NO_LPOS): begin == next. */
	assert_int_equal(printk_blk_text(1, 1, 128, 8, &off, &len), 0);
	assert_int_equal(printk_blk_text(3, 3, 128, 8, &off, &len), 0);
	assert_int_equal(printk_blk_text(5, 5 + 128, 128, 8, &off, &len), 0);
	/* An id alone: empty text. */
	assert_int_equal(printk_blk_text(16, 24, 128, 8, &off, &len), 1);
	assert_int_equal(len, 0);
	/* Shorter than an id, or no ring: no writer makes these. */
	assert_int_equal(printk_blk_text(16, 20, 128, 8, &off, &len), -1);
	assert_int_equal(printk_blk_text(120, 128 + 4, 128, 8, &off, &len), -1);
	assert_int_equal(printk_blk_text(0, 8, 0, 8, &off, &len), -1);
}

static void legacy_stamps(void **state)
{
	uint64_t ts = 7;

	(void)state;
	assert_int_equal(printk_legacy_stamp("<6>[   12.345678] x", 19, &ts), 1);
	assert_int_equal(ts, 12345678000ull);
	assert_int_equal(printk_legacy_stamp("[    0.000001] y", 16, &ts), 1);
	assert_int_equal(ts, 1000);
	assert_int_equal(printk_legacy_stamp("[1.5]", 5, &ts), 1);
	assert_int_equal(ts, 1500000000ull);
	ts = 7;
	assert_int_equal(printk_legacy_stamp("<6>Linux version", 16, &ts), 0);
	assert_int_equal(printk_legacy_stamp("<6>[   12.345678", 16, &ts), 0);
	assert_int_equal(printk_legacy_stamp("<6[ 1.0] x", 10, &ts), 0);
	assert_int_equal(printk_legacy_stamp("[ 1.] x", 7, &ts), 0);
	assert_int_equal(printk_legacy_stamp("[ .5] x", 7, &ts), 0);
	assert_int_equal(printk_legacy_stamp("[ 1.0123456789]", 15, &ts), 0);
	assert_int_equal(printk_legacy_stamp("[99999999999999.0]", 18, &ts), 0);
	assert_int_equal(printk_legacy_stamp("", 0, &ts), 0);
	/* The length bounds the parse, not a NUL. */
	assert_int_equal(printk_legacy_stamp("[ 1.5] x", 5, &ts), 0);
	assert_int_equal(ts, 7);
}

static void since_seconds(void **state)
{
	uint64_t ns = 1;

	(void)state;
	assert_int_equal(printk_parse_seconds("0", &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(printk_parse_seconds("2", &ns), 0);
	assert_int_equal(ns, 2000000000ull);
	assert_int_equal(printk_parse_seconds("2.17", &ns), 0);
	assert_int_equal(ns, 2170000000ull);
	assert_int_equal(printk_parse_seconds(".5", &ns), 0);
	assert_int_equal(ns, 500000000ull);
	assert_int_equal(printk_parse_seconds("3.", &ns), 0);
	assert_int_equal(ns, 3000000000ull);
	assert_int_equal(printk_parse_seconds("1.0000000019", &ns), 0);
	assert_int_equal(ns, 1000000001ull);
	assert_int_equal(printk_parse_seconds("18446744073", &ns), 0);
	assert_int_equal(ns, 18446744073000000000ull);
	assert_int_equal(printk_parse_seconds("18446744074", &ns), -1);
	assert_int_equal(printk_parse_seconds("", &ns), -1);
	assert_int_equal(printk_parse_seconds(".", &ns), -1);
	assert_int_equal(printk_parse_seconds("-1", &ns), -1);
	assert_int_equal(printk_parse_seconds("1s", &ns), -1);
	assert_int_equal(printk_parse_seconds("1.2.3", &ns), -1);
	assert_int_equal(printk_parse_seconds(" 1", &ns), -1);
}

static void feed(struct printk_panic *p, uint64_t ts, const char *text, int raw)
{
	struct printk_record r = { .ts_nsec = ts, .text = text, .len = strlen(text), .raw = raw };

	printk_panic_feed(p, &r);
}

/* The panic line: the last "Kernel panic", else the last sysrq trigger,
 * else the last oops; anything else never. */
static void panic_line_ranks(void **state)
{
	struct printk_panic p;

	(void)state;
	printk_panic_init(&p);
	feed(&p, 1000, "Kernel panic is a phrase, not a panic", 0);
	assert_int_equal(p.rank, 0);
	feed(&p, 2000, "BUG: unable to handle page fault", 0);
	feed(&p, 3000, "Oops: 0002 [#1] SMP", 0);
	assert_int_equal(p.rank, 1);
	assert_string_equal(p.line, "[    0.000003] Oops: 0002 [#1] SMP");
	feed(&p, 4000, "sysrq: Trigger a crash", 0);
	feed(&p, 5000, "Kernel panic - not syncing: sysrq triggered crash\nmore", 0);
	feed(&p, 6000, "BUG: later, but less telling", 0);
	feed(&p, 7000, "sysrq: Trigger a crash", 0);
	assert_int_equal(p.rank, 3);
	assert_int_equal(p.ts_nsec, 5000);
	assert_string_equal(p.line, "[    0.000005] Kernel panic - not syncing: sysrq triggered crash");

	printk_panic_init(&p);
	feed(&p, 0, "<4>SysRq : Trigger a crash\n", 1);
	assert_int_equal(p.rank, 2);
	feed(&p, 0, "<0>[   41.000001] Kernel panic - not syncing: Fatal exception\n", 1);
	assert_int_equal(p.rank, 3);
	assert_string_equal(p.line, "<0>[   41.000001] Kernel panic - not syncing: Fatal exception");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefix_is_makedumpfiles),
		cmocka_unit_test(escape_matches_c_locale_ctype),
		cmocka_unit_test(multi_line_records_are_indented),
		cmocka_unit_test(odd_bytes_are_escaped),
		cmocka_unit_test(long_records_survive_chunking),
		cmocka_unit_test(writer_counts_and_skips_lines),
		cmocka_unit_test(raw_records_pass_through),
		cmocka_unit_test(first_line_for_screens),
		cmocka_unit_test(block_positions),
		cmocka_unit_test(legacy_stamps),
		cmocka_unit_test(since_seconds),
		cmocka_unit_test(panic_line_ranks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
