/* The progress watchdog: it fires when the counter stands still for its
 * seconds, not while it moves, again at its refire interval, and a stop
 * says whether it fired. The times are seconds: these tests take ~14 s. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/dumpbox.h"
#include "base/watchdog.h"

struct seen {
	unsigned calls;
	double first;
};

static void count(void *arg, unsigned calls)
{
	struct seen *s = arg;

	if (calls == 1)
		s->first = monotonic_seconds();
	__atomic_store_n(&s->calls, calls, __ATOMIC_RELAXED);
}

static void fires_when_nothing_moves(void **state)
{
	uint64_t counter = 0;
	struct seen s = { 0 };
	struct watchdog w = { .counter = &counter, .min_bytes = 100, .secs = 2, .fire = count,
			      .arg = &s };
	double start = monotonic_seconds();

	(void)state;
	assert_int_equal(watchdog_start(&w), 0);
	/* Less than min_bytes is no progress. */
	watchdog_add(&counter, 99);
	sleep(5);
	assert_int_equal(watchdog_stop(&w), 1);
	assert_int_equal(s.calls, 1);	/* refire_secs 0: once */
	/* Its clock ticks once a second. */
	assert_true(s.first - start >= 2.0 && s.first - start < 4.5);
}

static void quiet_while_it_moves(void **state)
{
	uint64_t counter = 0;
	struct seen s = { 0 };
	struct watchdog w = { .counter = &counter, .min_bytes = 100, .secs = 2, .fire = count,
			      .arg = &s };

	(void)state;
	assert_int_equal(watchdog_start(&w), 0);
	for (int i = 0; i < 8; i++) {
		usleep(500 * 1000);
		watchdog_add(&counter, 60);	/* 100 every second */
	}
	assert_int_equal(watchdog_stop(&w), 0);
	assert_int_equal(s.calls, 0);
}

static void fires_again_until_stopped(void **state)
{
	uint64_t counter = 0;
	struct seen s = { 0 };
	struct watchdog w = { .counter = &counter, .min_bytes = 1, .secs = 1, .refire_secs = 1,
			      .fire = count, .arg = &s };

	(void)state;
	assert_int_equal(watchdog_start(&w), 0);
	sleep(4);
	assert_int_equal(watchdog_stop(&w), 1);
	assert_true(s.calls >= 2 && s.calls <= 4);
	/* Stopped means stopped: no call after the join. */
	unsigned calls = s.calls;
	sleep(1);
	assert_int_equal(s.calls, calls);
}

static void never_started_never_fired(void **state)
{
	struct watchdog w = { 0 };

	(void)state;
	assert_int_equal(watchdog_stop(&w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fires_when_nothing_moves),
		cmocka_unit_test(quiet_while_it_moves),
		cmocka_unit_test(fires_again_until_stopped),
		cmocka_unit_test(never_started_never_fired),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
