/* The JSON writer: scripts parse what it prints, so every document must be
 * well-formed whatever bytes a dump hands it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/json.h"

static char *render(void (*build)(struct json *))
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	assert_non_null(f);
	json_init(&j, f);
	build(&j);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void nested(struct json *j)
{
	json_object(j, NULL);
	json_str(j, "name", "vmcore");
	json_u64(j, "size", 18446744073709551615ULL);
	json_i64(j, "phys_base", -371195904);
	json_array(j, "list");
	json_u64(j, NULL, 1);
	json_object(j, NULL);
	json_bool(j, "ok", 1);
	json_end(j);
	json_null(j, NULL);
	json_end(j);
	json_bool(j, "complete", 0);
	json_finish(j);
}

static void commas_and_nesting(void **state)
{
	(void)state;
	assert_string_equal(render(nested),
		"{\"name\":\"vmcore\",\"size\":18446744073709551615,"
		"\"phys_base\":-371195904,\"list\":[1,{\"ok\":true},null],"
		"\"complete\":false}\n");
}

static void odd_bytes(struct json *j)
{
	json_object(j, NULL);
	json_str(j, "s", "a\"b\\c\n\t\x01\xc3\xa9");
	json_strn(j, "n", "x\0y", 3);
	json_str(j, "missing", NULL);
	json_finish(j);
}

/* Control bytes, quotes and bytes that are not ASCII are escaped: a dump's
 * strings need not be UTF-8, and the output must still parse. */
static void strings_are_escaped(void **state)
{
	(void)state;
	assert_string_equal(render(odd_bytes),
		"{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\\u00c3\\u00a9\","
		"\"n\":\"x\\u0000y\",\"missing\":null}\n");
}

static void unclosed(struct json *j)
{
	json_object(j, NULL);
	json_array(j, "a");
	json_u64(j, NULL, 7);
	json_finish(j);
}

/* json_finish closes whatever is still open. */
static void finish_closes_everything(void **state)
{
	(void)state;
	assert_string_equal(render(unclosed), "{\"a\":[7]}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commas_and_nesting),
		cmocka_unit_test(strings_are_escaped),
		cmocka_unit_test(finish_closes_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
