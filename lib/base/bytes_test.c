/* Byte order of on-disk integers: the same bytes give the same number on
 * every host, and what put_* writes get_* reads back. An s390x dump read
 * on x86_64 depends on nothing else. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/bytes.h"

static const uint8_t seq[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

static void big_endian_reads_the_first_byte_as_most_significant(void **state)
{
	(void)state;
	assert_int_equal(get_be16(seq), 0x0102);
	assert_int_equal(get_be32(seq), 0x01020304);
	assert_true(get_be64(seq) == 0x0102030405060708ull);
}

static void little_endian_reads_the_first_byte_as_least_significant(void **state)
{
	(void)state;
	assert_int_equal(get_le16(seq), 0x0201);
	assert_int_equal(get_le32(seq), 0x04030201);
	assert_true(get_le64(seq) == 0x0807060504030201ull);
}

static void put_writes_what_get_reads(void **state)
{
	uint8_t b[8];

	(void)state;
	put_be16(b, 0xa1b2);
	assert_int_equal(b[0], 0xa1);
	assert_int_equal(get_be16(b), 0xa1b2);
	put_be32(b, 0xa1b2c3d4);
	assert_int_equal(b[0], 0xa1);
	assert_int_equal(b[3], 0xd4);
	assert_int_equal(get_be32(b), 0xa1b2c3d4);
	put_be64(b, 0x1122334455667788ull);
	assert_int_equal(b[0], 0x11);
	assert_true(get_be64(b) == 0x1122334455667788ull);
	put_le32(b, 0xa1b2c3d4);
	assert_int_equal(b[0], 0xd4);
	assert_int_equal(get_le32(b), 0xa1b2c3d4);
	put_le64(b, 0x1122334455667788ull);
	assert_int_equal(b[0], 0x88);
	assert_true(get_le64(b) == 0x1122334455667788ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(big_endian_reads_the_first_byte_as_most_significant),
		cmocka_unit_test(little_endian_reads_the_first_byte_as_least_significant),
		cmocka_unit_test(put_writes_what_get_reads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
