/* A progress watchdog: a thread that watches a byte counter and, when it
 * has moved less than min_bytes in secs seconds, calls fire() on its own
 * thread, then again every refire_secs until stopped. A dump to a network
 * target needs one: an NFS server that is gone leaves each write of a
 * soft mount creeping through the page cache with no error, and a
 * connection that is silently dropped blocks the SSH client for the
 * whole of TCP's retransmission timeout. Neither returns in a time the
 * machine can wait. fire() does what ends the wait (it forces the mount
 * down, kills the client); the work stops because of what fire() did,
 * the watchdog only decides when. */
#ifndef DUMPBOX_WATCHDOG_H
#define DUMPBOX_WATCHDOG_H

#include <pthread.h>
#include <stdint.h>

struct watchdog {
	/* Set by the caller before watchdog_start(). */
	const uint64_t *counter;	/* advanced with watchdog_add() */
	uint64_t min_bytes;
	unsigned secs;			/* 0: never fires */
	unsigned refire_secs;		/* 0: fire once */
	void (*fire)(void *arg, unsigned calls);	/* calls: 1, 2, ... */
	void *arg;
	/* Private. */
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int running, quit, fired;
};

/* Count n bytes of progress on counter (from any thread). */
static inline void watchdog_add(uint64_t *counter, uint64_t n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

/* Start watching. 0, or -1 with errno set (nothing watches then). */
int watchdog_start(struct watchdog *w);

/* Stop watching and join the thread; a watchdog never started is left
 * alone. Returns whether fire() was called. */
int watchdog_stop(struct watchdog *w);

#endif
