/* Kernel command line parsing: the dump tool and /init take their
 * settings from it (dump_debug=, dumpbox.mode=, ...), so it must read the
 * line as the kernel does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sys/cmdline.h"

static const char *line =
	"BOOT_IMAGE=/vmlinuz root=UUID=1234 ro dump_debug=2 quiet "
	"dumpbox.target=\"LABEL=my dump\" dumpbox.mode=menu dumpbox.mode=auto\n";

static void values(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(cmdline_get(line, "dump_debug", v, sizeof(v)), 0);
	assert_string_equal(v, "2");
	assert_int_equal(cmdline_get(line, "root", v, sizeof(v)), 0);
	assert_string_equal(v, "UUID=1234");
}

static void quoted_value_keeps_spaces(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(cmdline_get(line, "dumpbox.target", v, sizeof(v)), 0);
	assert_string_equal(v, "LABEL=my dump");
}

static void last_one_wins(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(cmdline_get(line, "dumpbox.mode", v, sizeof(v)), 0);
	assert_string_equal(v, "auto");
}

static void bare_flag_and_absent(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(cmdline_get(line, "quiet", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(cmdline_get(line, "dump", v, sizeof(v)), -1);
	assert_int_equal(cmdline_get(line, "ro=", v, sizeof(v)), -1);
	assert_int_equal(cmdline_get("", "x", v, sizeof(v)), -1);
}

static void too_long_for_buffer(void **state)
{
	char v[4];

	(void)state;
	assert_int_equal(cmdline_get(line, "root", v, sizeof(v)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values),
		cmocka_unit_test(quoted_value_keeps_spaces),
		cmocka_unit_test(last_one_wins),
		cmocka_unit_test(bare_flag_and_absent),
		cmocka_unit_test(too_long_for_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
