#include <errno.h>
#include <time.h>

#include "base/dumpbox.h"
#include "base/watchdog.h"

/* Sleep up to one second, or until told to quit: 1 to quit. */
static int nap(struct watchdog *w)
{
	struct timespec until;
	int quit;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += 1;
	pthread_mutex_lock(&w->lock);
	while (!w->quit && pthread_cond_timedwait(&w->cond, &w->lock, &until) != ETIMEDOUT)
		;
	quit = w->quit;
	pthread_mutex_unlock(&w->lock);
	return quit;
}

static void *watch(void *arg)
{
	struct watchdog *w = arg;
	uint64_t base = __atomic_load_n(w->counter, __ATOMIC_RELAXED);
	double since = monotonic_seconds(), last_fire = 0;
	unsigned calls = 0;

	while (!nap(w)) {
		uint64_t c = __atomic_load_n(w->counter, __ATOMIC_RELAXED);
		double t = monotonic_seconds();

		if (c - base >= w->min_bytes) {
			base = c;
			since = t;
		}
		if (!w->secs || t - since < w->secs)
			continue;
		if (calls && (!w->refire_secs || t - last_fire < w->refire_secs))
			continue;
		w->fired = 1;
		last_fire = t;
		w->fire(w->arg, ++calls);
	}
	return NULL;
}

int watchdog_start(struct watchdog *w)
{
	pthread_condattr_t ca;
	int rc;

	w->running = w->quit = w->fired = 0;
	if (pthread_condattr_init(&ca) != 0)
		return errno = ENOMEM, -1;
	/* The timed waits are on the monotonic clock: setting the date
	 * must not fire the watchdog, or keep it from firing. */
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0)
		return errno = rc, -1;
	pthread_mutex_init(&w->lock, NULL);
	rc = pthread_create(&w->tid, NULL, watch, w);
	if (rc != 0) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		return errno = rc, -1;
	}
	w->running = 1;
	return 0;
}

int watchdog_stop(struct watchdog *w)
{
	if (!w->running)
		return w->fired;
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->tid, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	w->running = 0;
	return w->fired;
}
