/* Records as field tables: what goes to disk is exactly the table's
 * bytes, little-endian, and what comes back from a damaged disk is safe
 * to print. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/dumpbox.h"
#include "base/fields.h"

struct rec {
	uint32_t a;
	uint64_t b;
	char name[8];
	uint8_t id[4];
};

static const struct field rec_fields[] = {
	FIELD_U32(0, struct rec, a),
	FIELD_U64(4, struct rec, b),
	FIELD_STR(12, 6, struct rec, name),
	FIELD_BYTES(18, 4, struct rec, id),
};

static void encodes_little_endian_at_the_offsets(void **state)
{
	struct rec r = { 0x11223344, 0x0102030405060708ull, "abc", { 9, 8, 7, 6 } };
	static const uint8_t want[24] = {
		0x44, 0x33, 0x22, 0x11, 8, 7, 6, 5, 4, 3, 2, 1,
		'a', 'b', 'c', 0, 0, 0, 9, 8, 7, 6, 0xee, 0xee,
	};
	uint8_t b[24];

	(void)state;
	memset(b, 0xee, sizeof(b));	/* bytes no field covers stay as they are */
	fields_encode(b, rec_fields, ARRAY_SIZE(rec_fields), &r);
	assert_memory_equal(b, want, sizeof(want));
}

static void round_trip(void **state)
{
	struct rec r = { 7, UINT64_MAX, "label", { 1, 2, 3, 4 } }, back;
	uint8_t b[24] = { 0 };

	(void)state;
	fields_encode(b, rec_fields, ARRAY_SIZE(rec_fields), &r);
	memset(&back, 0x55, sizeof(back));
	fields_decode(&back, rec_fields, ARRAY_SIZE(rec_fields), b);
	assert_int_equal(back.a, 7);
	assert_true(back.b == UINT64_MAX);
	assert_string_equal(back.name, "label");
	assert_memory_equal(back.id, r.id, 4);
}

static void long_strings_keep_their_nul(void **state)
{
	struct rec r = { 0, 0, "1234567", { 0 } }, back;
	uint8_t b[24] = { 0 };

	(void)state;
	fields_encode(b, rec_fields, ARRAY_SIZE(rec_fields), &r);
	assert_memory_equal(b + 12, "12345\0", 6);	/* 6 bytes: 5 and the NUL */
	fields_decode(&back, rec_fields, ARRAY_SIZE(rec_fields), b);
	assert_string_equal(back.name, "12345");
}

static void damaged_strings_are_printable(void **state)
{
	uint8_t b[24] = { 0 };
	struct rec back;

	(void)state;
	memcpy(b + 12, "a\033[2J", 6);	/* no NUL in the field: it ends there */
	fields_decode(&back, rec_fields, ARRAY_SIZE(rec_fields), b);
	assert_string_equal(back.name, "a?[2J");
	b[13] = 0x7f;
	fields_decode(&back, rec_fields, ARRAY_SIZE(rec_fields), b);
	assert_string_equal(back.name, "a?[2J");
}

static void unsound_tables_are_found(void **state)
{
	static const struct field overlap[] = {
		FIELD_U64(0, struct rec, b), FIELD_U32(4, struct rec, a),
	};
	static const struct field wrong_width[] = {
		FIELD_U64(0, struct rec, a),	/* a 4-byte member as 8 */
	};

	(void)state;
	assert_int_equal(fields_check(rec_fields, ARRAY_SIZE(rec_fields), 22), 0);
	assert_int_equal(fields_check(rec_fields, ARRAY_SIZE(rec_fields), 21), -1);
	assert_int_equal(fields_check(overlap, ARRAY_SIZE(overlap), 24), -1);
	assert_int_equal(fields_check(wrong_width, ARRAY_SIZE(wrong_width), 24), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encodes_little_endian_at_the_offsets),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(long_strings_keep_their_nul),
		cmocka_unit_test(damaged_strings_are_printable),
		cmocka_unit_test(unsound_tables_are_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
