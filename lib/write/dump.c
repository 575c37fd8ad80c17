/* What every writer shares (write/dump.h): the record of unreadable
 * source ranges, write errors as exit statuses, progress. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/dumpbox.h"
#include "base/watchdog.h"
#include "write/dump.h"

void dump_format_progress(char *buf, size_t len, uint64_t done, uint64_t total,
			  double seconds)
{
	double rate = seconds > 0 ? mib(done) / seconds : 0;
	double pct = total ? 100.0 * (double)done / (double)total : 100.0;
	unsigned long eta = rate > 0 ? (unsigned long)(mib(total - done) / rate + 0.5) : 0;

	snprintf(buf, len, "%5" PRIu64 " of %" PRIu64 " MiB %5.1f%% %4.0f MiB/s  ETA %lu:%02lu",
		 done >> 20, total >> 20, pct, rate, eta / 60, eta % 60);
}

void dump_abandon(struct dump_target *t)
{
	__atomic_store_n(&t->abandoned, 1, __ATOMIC_RELAXED);
}

int dump_abandoned(const struct dump_target *t)
{
	return __atomic_load_n(&t->abandoned, __ATOMIC_RELAXED);
}

static int gone(void)
{
	errno = ETIMEDOUT;
	return -1;
}

int dump_put(struct dump_target *t, const void *buf, size_t len, uint64_t off)
{
	if (dump_abandoned(t))
		return gone();
	if (t->ops->write(t, buf, len, off) < 0)
		return -1;
	watchdog_add(&t->moved, len);
	return 0;
}

int dump_put_zero(struct dump_target *t, size_t len, uint64_t off)
{
	if (dump_abandoned(t))
		return gone();
	if (t->ops->zero(t, len, off) < 0)
		return -1;
	watchdog_add(&t->moved, len);
	return 0;
}

int dump_sync(struct dump_target *t)
{
	return dump_abandoned(t) ? gone() : t->ops->sync(t);
}

void dump_add_bad(struct dump_target *t, uint64_t off, uint64_t len)
{
	if (t->nbad && t->bad[t->nbad - 1].offset + t->bad[t->nbad - 1].len == off) {
		t->bad[t->nbad - 1].len += len;
	} else {
		t->bad = xrealloc(t->bad, (t->nbad + 1) * sizeof(*t->bad));
		t->bad[t->nbad].offset = off;
		t->bad[t->nbad].len = len;
		t->nbad++;
	}
	t->bad_bytes += len;
}

int dump_write_failed(struct dump_target *t, const char *what, uint64_t off)
{
	int err = errno;

	t->error = err;
	snprintf(t->reason, sizeof(t->reason), "%s at dump offset %" PRIu64 " failed: %s",
		 what, off, strerror(err));
	return err == ENOSPC || err == EFBIG || err == EDQUOT ? EXIT_INCOMPLETE : EXIT_DAMAGED;
}

