/* What an s390x core's memory must show before its VMCOREINFO is
 * believed: os_info's checksum as the CKSM instruction computes it, and a
 * note whose header, size and text are those of a VMCOREINFO. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/bytes.h"
#include "core/lowcore.h"

static void cksm_adds_words_with_the_carry_wrapped_around(void **state)
{
	unsigned char b[8];

	(void)state;
	put_be32(b, 0xffffffffu);
	put_be32(b + 4, 2);
	/* 0xffffffff + 2 = 0x1_00000001: the carry comes back in. */
	assert_int_equal(s390_cksm(b, 8), 2);
	assert_int_equal(s390_cksm(b, 0), 0);
}

static void cksm_pads_a_partial_last_word_with_zeros(void **state)
{
	static const unsigned char b[] = { 0x01, 0x02, 0x03, 0x04, 0x05 };

	(void)state;
	assert_int_equal(s390_cksm(b, sizeof(b)), 0x01020304u + 0x05000000u);
}

/* A note as the kernel lays it out: namesz 11 ("VMCOREINFO\0", padded to
 * 12), descsz, type 0, the name, the text. */
static size_t note(unsigned char *buf, uint32_t namesz, uint32_t type, const char *text)
{
	size_t n = strlen(text);

	memset(buf, 0, 24 + n + 4);
	put_be32(buf, namesz);
	put_be32(buf + 4, (uint32_t)n);
	put_be32(buf + 8, type);
	memcpy(buf + 12, "VMCOREINFO", 10);
	memcpy(buf + 24, text, n);
	return 24 + n;
}

static void a_vmcoreinfo_note_gives_its_text(void **state)
{
	unsigned char buf[128];
	const unsigned char *text;
	size_t len, tlen;
	struct err e;

	(void)state;
	len = note(buf, 11, 0, "OSRELEASE=6.1.0-50-s390x\nPAGESIZE=4096\n");
	assert_int_equal(s390_vmcoreinfo_note(buf, len, &text, &tlen, &e), 0);
	assert_int_equal(tlen, strlen("OSRELEASE=6.1.0-50-s390x\nPAGESIZE=4096\n"));
	assert_memory_equal(text, "OSRELEASE=", 10);
}

static void the_release_may_follow_other_lines(void **state)
{
	unsigned char buf[128];
	const unsigned char *text;
	size_t len, tlen;
	struct err e;

	(void)state;
	len = note(buf, 11, 0, "PAGESIZE=4096\nOSRELEASE=6.1.0\n");
	assert_int_equal(s390_vmcoreinfo_note(buf, len, &text, &tlen, &e), 0);
}

static void other_notes_and_other_memory_are_refused(void **state)
{
	unsigned char buf[128];
	const unsigned char *text;
	size_t len, tlen;
	struct err e;

	(void)state;
	len = note(buf, 5, 0, "OSRELEASE=x\n");
	assert_int_equal(s390_vmcoreinfo_note(buf, len, &text, &tlen, &e), -1);
	len = note(buf, 11, 1, "OSRELEASE=x\n");
	assert_int_equal(s390_vmcoreinfo_note(buf, len, &text, &tlen, &e), -1);
	/* No OSRELEASE: not what a kernel writes. */
	len = note(buf, 11, 0, "PAGESIZE=4096\nXOSRELEASE=1\n");
	assert_int_equal(s390_vmcoreinfo_note(buf, len, &text, &tlen, &e), -1);
	assert_non_null(strstr(e.msg, "OSRELEASE"));
	/* Zeros, as in memory nobody wrote. */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(s390_vmcoreinfo_note(buf, sizeof(buf), &text, &tlen, &e), -1);
}

static void sizes_are_bounded(void **state)
{
	unsigned char buf[128];
	const unsigned char *text;
	size_t len, tlen;
	struct err e;

	(void)state;
	len = note(buf, 11, 0, "OSRELEASE=6.1.0\n");
	/* The header promises more than was read. */
	assert_int_equal(s390_vmcoreinfo_note(buf, len - 1, &text, &tlen, &e), -1);
	assert_int_equal(s390_vmcoreinfo_note(buf, 23, &text, &tlen, &e), -1);
	/* More than the kernel's one page. */
	put_be32(buf + 4, LOWCORE_VMCOREINFO_MAX + 1);
	assert_int_equal(s390_vmcoreinfo_note(buf, sizeof(buf), &text, &tlen, &e), -1);
	put_be32(buf + 4, 0);
	assert_int_equal(s390_vmcoreinfo_note(buf, sizeof(buf), &text, &tlen, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cksm_adds_words_with_the_carry_wrapped_around),
		cmocka_unit_test(cksm_pads_a_partial_last_word_with_zeros),
		cmocka_unit_test(a_vmcoreinfo_note_gives_its_text),
		cmocka_unit_test(the_release_may_follow_other_lines),
		cmocka_unit_test(other_notes_and_other_memory_are_refused),
		cmocka_unit_test(sizes_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
