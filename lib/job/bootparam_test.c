/* The dump kernel's settings: dumpbox.* on the command line, options
 * over them, and what a bad value does to each (the dump kernel must
 * dump even when its command line has a typo). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <getopt.h>
#include <string.h>
#include <cmocka.h>

#include "base/dumpbox.h"
#include "job/bootparam.h"

static void options_win_over_the_command_line_in_any_order(void **state)
{
	struct bootparams p = { 0 };

	(void)state;
	bootparams_option(&p, BP_FORMAT, "elf");
	bootparams_read(&p, "ro dumpbox.format=kdump dumpbox.target=LABEL=d dumpbox.on_failure=halt");
	assert_string_equal(p.val[BP_FORMAT], "elf");
	assert_string_equal(p.val[BP_TARGET], "LABEL=d");
	assert_string_equal(p.val[BP_ON_FAILURE], "halt");
	assert_null(p.val[BP_MODE]);
}

static void messages_name_the_setting_as_it_was_given(void **state)
{
	struct bootparams p = { 0 };
	char b[32];

	(void)state;
	bootparams_read(&p, "dumpbox.level=3");
	bootparams_option(&p, BP_ON_FAILURE, "halt");
	assert_string_equal(bootparam_spelling(&p, BP_LEVEL, b, sizeof(b)), "dumpbox.level");
	assert_string_equal(bootparam_spelling(&p, BP_ON_FAILURE, b, sizeof(b)), "--on-failure");
}

/* kdump-tools' default: makedumpfile -d 31 when only the format is named. */
static void kdump_defaults_to_level_31(void **state)
{
	struct bootparams p = { 0 };
	struct dumpjob_settings s;
	struct dumpjob j;
	struct err e;

	(void)state;
	bootparams_read(&p, "dumpbox.format=kdump");
	assert_int_equal(bootparams_output(&p, &s, &e), 0);
	dumpjob_init(&j);
	assert_int_equal(dumpjob_apply(&j, &s, 1, &e), 0);
	assert_int_equal(j.format, DUMP_FORMAT_KDUMP);
	assert_int_equal(j.dump_level, 31);
}

static void a_bad_parameter_is_left_out(void **state)
{
	struct bootparams p = { 0 };
	struct dumpjob_settings s;
	struct err e;

	(void)state;
	bootparams_read(&p, "dumpbox.format=kdump dumpbox.level=99 dumpbox.threads=2");
	assert_int_equal(bootparams_output(&p, &s, &e), 0);
	assert_int_equal(s.level_set, 0);
	assert_int_equal(s.threads, 2);
}

/* ELF has no codec: from the command line the format stands. */
static void a_codec_without_kdump_falls_back_to_the_default(void **state)
{
	struct bootparams p = { 0 };
	struct dumpjob_settings s;
	struct err e;

	(void)state;
	bootparams_read(&p, "dumpbox.compress=zlib");
	assert_int_equal(bootparams_output(&p, &s, &e), 0);
	assert_int_equal(s.format, DUMP_FORMAT_ELF);
	assert_null(s.compress);
}

static void a_bad_option_is_a_usage_error(void **state)
{
	struct bootparams p = { 0 };
	struct dumpjob_settings s;
	struct err e;

	(void)state;
	bootparams_option(&p, BP_LEVEL, "32");
	assert_int_equal(bootparams_output(&p, &s, &e), -1);
	assert_int_equal(e.status, EXIT_USAGE);
	assert_string_equal(e.msg, "--dump-level takes a dump level (0-31), not '32'");

	memset(&p, 0, sizeof(p));
	bootparams_option(&p, BP_COMPRESS, "zlib");
	assert_int_equal(bootparams_output(&p, &s, &e), -1);
	assert_string_equal(e.msg, "--compress needs format kdump, not elf");
}

/* The applets' option tables come from the same table as the names. */
static void the_options_are_the_settings(void **state)
{
	static const struct option longopts[] = { BOOTPARAM_LONGOPTS(300), { NULL, 0, NULL, 0 } };
	char *argv[] = { "x", "--on-failure", "halt", "-d", "5", "--dump-level", "7", "--target",
			 "LABEL=d", "--json", NULL };
	struct bootparams p = { 0 };
	int c, other = 0;

	(void)state;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(10, argv, "d:", longopts, NULL)) != -1)
		if (!bootparams_getopt(&p, c, 300, optarg))
			other++;
	assert_string_equal(p.val[BP_ON_FAILURE], "halt");
	assert_string_equal(p.val[BP_LEVEL], "7");
	assert_string_equal(p.val[BP_TARGET], "LABEL=d");
	assert_int_equal(other, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options_win_over_the_command_line_in_any_order),
		cmocka_unit_test(messages_name_the_setting_as_it_was_given),
		cmocka_unit_test(kdump_defaults_to_level_31),
		cmocka_unit_test(a_bad_parameter_is_left_out),
		cmocka_unit_test(a_codec_without_kdump_falls_back_to_the_default),
		cmocka_unit_test(a_bad_option_is_a_usage_error),
		cmocka_unit_test(the_options_are_the_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
