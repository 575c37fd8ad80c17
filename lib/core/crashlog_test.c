/* Where the rescue menu opens the crash log, and where triage reads the
 * crash: the report that ended in the panic, not the panic line alone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/dumpbox.h"
#include "core/crashlog.h"

static void an_oops_starts_the_report(void **state)
{
	static const char *const log[] = {
		"[    1.0] Run /init as init process",
		"[   10.0] BUG: kernel NULL pointer dereference, address: 0000000000000000",
		"[   10.0] Oops: 0002 [#1] PREEMPT SMP NOPTI",
		"[   10.0] RIP: 0010:sysrq_handle_crash+0x16/0x20",
		"[   10.1] Kernel panic - not syncing: Fatal exception",
	};

	(void)state;
	assert_int_equal(crashlog_report_start(log, ARRAY_SIZE(log)), 1);
}

static void a_sysrq_crash_starts_at_the_trigger(void **state)
{
	static const char *const log[] = {
		"[    5.0] sysrq: Trigger a crash",
		"[    5.0] Kernel panic - not syncing: sysrq triggered crash",
	};

	(void)state;
	assert_int_equal(crashlog_report_start(log, ARRAY_SIZE(log)), 0);
}

static void a_bare_panic_starts_at_itself(void **state)
{
	static const char *const log[] = {
		"[    0.5] VFS: Cannot open root device",
		"[    0.5] Kernel panic - not syncing: VFS: Unable to mount root fs",
	};

	(void)state;
	assert_int_equal(crashlog_report_start(log, ARRAY_SIZE(log)), 1);
}

/* A second crash (a kdump kernel that panicked too) is the one to read. */
static void the_last_panic_counts(void **state)
{
	static const char *const log[] = {
		"BUG: first", "Kernel panic - not syncing: one",
		"ordinary line", "Oops: second", "Kernel panic - not syncing: two",
	};

	(void)state;
	assert_int_equal(crashlog_report_start(log, ARRAY_SIZE(log)), 3);
}

static void no_panic_says_so(void **state)
{
	static const char *const log[] = { "BUG: but the kernel went on", "more" };

	(void)state;
	assert_int_equal(crashlog_report_start(log, ARRAY_SIZE(log)), 2);
	assert_int_equal(crashlog_report_start(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_oops_starts_the_report),
		cmocka_unit_test(a_sysrq_crash_starts_at_the_trigger),
		cmocka_unit_test(a_bare_panic_starts_at_itself),
		cmocka_unit_test(the_last_panic_counts),
		cmocka_unit_test(no_panic_says_so),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
