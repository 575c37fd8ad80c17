/* A dump disk as a dump target (disk/disktarget.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "core/printk.h"
#include "core/vmcore.h"
#include "disk/disktarget.h"

static int disk_begin(struct dump_target *t, uint64_t size)
{
	struct disk_target *dt = t->priv;
	struct err err;
	char release[65] = "", crashtime[32];
	struct dumpdisk_meta m = { .format = DUMPDISK_FMT_ELF };
	size_t loglen;
	char *log;
	int rc;

	if (dt->format == DUMP_FORMAT_KDUMP)
		m.format = DUMPDISK_FMT_KDUMP;	/* size: an upper bound, say nothing */
	else if (size > dt->disk->info.capacity)
		warnmsg("the dump (%" PRIu64 " MiB) is larger than the dump area (%" PRIu64
			" MiB): it will be incomplete", size >> 20, dt->disk->info.capacity >> 20);
	if (vmcoreinfo_get(dt->vc, "OSRELEASE", release, sizeof(release)) == 0)
		m.kernel_release = release;
	if (vmcoreinfo_get(dt->vc, "CRASHTIME", crashtime, sizeof(crashtime)) == 0)
		m.crash_time = strtoull(crashtime, NULL, 10);
	/* The log goes first: the crash reason survives a failed dump. */
	log = printk_log_text(dt->vc, 0, DUMPDISK_LOG_DEFAULT - DUMPDISK_LOG_HEADER, &loglen, &err);
	if (err.msg[0])
		warnmsg("the kernel log of the dump is not readable: %s", err.msg);
	rc = dumpdisk_begin(dt->disk, &m, log, loglen);
	free(log);
	if (rc < 0)
		snprintf(t->reason, sizeof(t->reason), "%s", dt->disk->err.msg);
	return rc;
}

static int disk_write(struct dump_target *t, const void *buf, size_t len, uint64_t off)
{
	struct disk_target *dt = t->priv;

	if (dumpdisk_write(dt->disk, buf, len, off) < 0)
		return -1;
	return dump_writebehind(&dt->wb, off + len);
}

/* The area may hold an old dump: zeros must really be written. */
static int disk_zero(struct dump_target *t, size_t len, uint64_t off)
{
	/* In .bss, not .rodata: a const array would add 1 MiB to the binary. */
	static unsigned char zeros[DUMP_CHUNK];
	struct disk_target *dt = t->priv;

	while (len) {
		size_t n = len < sizeof(zeros) ? len : sizeof(zeros);

		if (dumpdisk_write(dt->disk, zeros, n, off) < 0)
			return -1;
		len -= n;
		off += n;
	}
	return dump_writebehind(&dt->wb, off);
}

static int disk_sync(struct dump_target *t)
{
	struct disk_target *dt = t->priv;

	return fsync(dt->disk->fd);
}

static int disk_finish(struct dump_target *t, int complete, const struct dump_target *info)
{
	struct disk_target *dt = t->priv;
	char bad[64];

	/* A whole dump with holes says so on the disk too, not only on the
	 * console: whoever reads it later sees the reason in diskprep info. */
	snprintf(bad, sizeof(bad), "%" PRIu64 " unreadable source bytes are zeros", info->bad_bytes);
	if (dumpdisk_finish(dt->disk, complete ? DUMPDISK_COMPLETE : DUMPDISK_INCOMPLETE,
			    complete ? info->size : info->written,
			    !complete ? info->reason : info->nbad ? bad : NULL) < 0) {
		int e = errno;

		warnmsg("%s: %s", t->name, dt->disk->err.msg);
		errno = e;	/* for the caller's message */
		return -1;
	}
	return 0;
}

static const struct dump_target_ops disk_ops = {
	.begin = disk_begin,
	.write = disk_write,
	.zero = disk_zero,
	.sync = disk_sync,
	.finish = disk_finish,
};

void disk_target_rewind(struct disk_target *dt)
{
	memset(&dt->wb, 0, sizeof(dt->wb));
	dt->wb.fd = dt->disk->fd;
	dt->wb.base = dt->disk->dump_base;
}

void disk_target_init(struct dump_target *t, struct disk_target *dt, const char *name)
{
	disk_target_rewind(dt);
	memset(t, 0, sizeof(*t));
	t->ops = &disk_ops;
	t->priv = dt;
	t->name = name;
}

int disk_target_is(const struct dump_target *t)
{
	return t->ops == &disk_ops;
}
