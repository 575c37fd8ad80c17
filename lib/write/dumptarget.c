#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bytes.h"
#include "base/dumpbox.h"
#include "write/dumptarget.h"

#define WRITEBACK_WINDOW (8u << 20)

int dump_writebehind(struct dump_writebehind *w, uint64_t upto)
{
	if (upto < w->pending + WRITEBACK_WINDOW)
		return 0;
	/* The errors count: a write-back error is reported once per file
	 * (the kernel's errseq), and the wait below takes it, so the fsync
	 * at the end would return 0 for data that never reached the disk. */
	if (sync_file_range(w->fd, (off_t)(w->base + w->pending), (off_t)(upto - w->pending),
			    SYNC_FILE_RANGE_WRITE) < 0)
		return -1;
	if (w->pending > w->flushed) {
		if (sync_file_range(w->fd, (off_t)(w->base + w->flushed),
				    (off_t)(w->pending - w->flushed), SYNC_FILE_RANGE_WAIT_BEFORE |
				    SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) < 0)
			return -1;
		/* Advice: failing to drop clean pages loses nothing. */
		(void)posix_fadvise(w->fd, (off_t)(w->base + w->flushed),
				    (off_t)(w->pending - w->flushed), POSIX_FADV_DONTNEED);
		w->flushed = w->pending;
	}
	w->pending = upto;
	return 0;
}

/* ---- a file ------------------------------------------------------------ */

struct file_target {
	int fd;
	char *path, *tmppath;
	struct dump_writebehind wb;
};

static int file_begin(struct dump_target *t, uint64_t size)
{
	(void)t, (void)size;
	/* The size is set at the end (finish): a kdump dump knows only an
	 * upper bound now, and a file size limit must not stop a dump that
	 * would fit. Zero blocks are holes either way. */
	return 0;
}

static int file_write(struct dump_target *t, const void *buf, size_t len, uint64_t off)
{
	struct file_target *f = t->priv;

	if (pwrite_all(f->fd, buf, len, off) < 0)
		return -1;
	/* Writes go in file order except the header page at the end. */
	return dump_writebehind(&f->wb, off + len);
}

static int file_zero(struct dump_target *t, size_t len, uint64_t off)
{
	(void)t, (void)len, (void)off;
	return 0;	/* a hole: finish sets the size */
}

static int file_sync(struct dump_target *t)
{
	struct file_target *f = t->priv;

	return fsync(f->fd);
}

static int sync_dir_of(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd < 0 ? -1 : fsync(fd);

	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

static int file_finish(struct dump_target *t, int complete, const struct dump_target *info)
{
	struct file_target *f = t->priv;
	int rc = 0;

	if (dump_abandoned(t)) {
		(void)close(f->fd);
		f->fd = -1;
		return -1;
	}
	/* Trailing zero blocks (ELF) were never written, and a kdump dump
	 * ends where its data does. */
	if (ftruncate(f->fd, (off_t)info->size) < 0)
		rc = -1;
	if (fsync(f->fd) < 0)
		rc = -1;
	if (close(f->fd) < 0 && rc == 0)
		rc = -1;
	f->fd = -1;
	/* Only a complete dump gets the name readers look for. */
	if (complete && rc == 0) {
		if (rename(f->tmppath, f->path) < 0 || sync_dir_of(f->path) < 0)
			rc = -1;
	}
	return rc;
}

static const struct dump_target_ops file_ops = {
	.begin = file_begin,
	.write = file_write,
	.zero = file_zero,
	.sync = file_sync,
	.finish = file_finish,
};

int dump_target_file(struct dump_target *t, const char *path)
{
	struct file_target *f = xcalloc(1, sizeof(*f));
	size_t n = strlen(path) + sizeof(".incomplete");

	f->path = xstrdup(path);
	f->tmppath = xmalloc(n);
	snprintf(f->tmppath, n, "%s.incomplete", path);
	f->fd = open(f->tmppath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (f->fd < 0) {
		int err = errno;

		free(f->path);
		free(f->tmppath);
		free(f);
		errno = err;
		return -1;
	}
	f->wb.fd = f->fd;
	memset(t, 0, sizeof(*t));
	t->ops = &file_ops;
	t->priv = f;
	t->name = f->tmppath;
	return 0;
}

/* ---- the flattened stream ---------------------------------------------- */

struct flat_target {
	int fd;
	uint64_t size;
	uint64_t bytes;		/* of the stream, so far */
};

static int flat_out(struct flat_target *f, const void *buf, size_t len)
{
	if (write_all(f->fd, buf, len) < 0)
		return -1;
	f->bytes += len;
	return 0;
}

static int flat_record(struct flat_target *f, const void *buf, uint64_t len, uint64_t off)
{
	unsigned char h[16];

	put_be64(h, off);
	put_be64(h + 8, len);
	if (flat_out(f, h, sizeof(h)) < 0)
		return -1;
	return len ? flat_out(f, buf, (size_t)len) : 0;
}

static int flat_begin(struct dump_target *t, uint64_t size)
{
	struct flat_target *f = t->priv;
	unsigned char h[FLAT_HEADER_SIZE] = { 0 };

	f->size = size;
	memcpy(h, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE) - 1);
	put_be64(h + 16, 1);	/* type: flattened */
	put_be64(h + 24, 1);	/* version */
	return flat_out(f, h, sizeof(h));
}

static int flat_write(struct dump_target *t, const void *buf, size_t len, uint64_t off)
{
	return flat_record(t->priv, buf, len, off);
}

/* Zeros are left out, except at the very end of the dump: the rebuilt
 * file must reach its full size. */
static int flat_zero(struct dump_target *t, size_t len, uint64_t off)
{
	struct flat_target *f = t->priv;
	static const unsigned char zeros[DUMP_BLOCK];

	if (off + len < f->size)
		return 0;
	if (len > DUMP_BLOCK) {
		off += len - DUMP_BLOCK;
		len = DUMP_BLOCK;
	}
	return flat_record(f, zeros, len, off);
}

static int flat_sync(struct dump_target *t)
{
	struct flat_target *f = t->priv;

	/* A pipe has nothing to sync; a file or device does. */
	if (fsync(f->fd) < 0 && errno != EINVAL && errno != EROFS)
		return -1;
	return 0;
}

static int flat_finish(struct dump_target *t, int complete, const struct dump_target *info)
{
	struct flat_target *f = t->priv;
	unsigned char end[16];

	(void)info;
	/* Without the end marker `makedumpfile -R` refuses the stream: an
	 * incomplete dump stays visibly incomplete. */
	if (dump_abandoned(t))
		return -1;
	if (!complete)
		return flat_sync(t);
	memset(end, 0xff, sizeof(end));
	if (flat_out(f, end, sizeof(end)) < 0)
		return -1;
	return flat_sync(t);
}

static const struct dump_target_ops flat_ops = {
	.begin = flat_begin,
	.write = flat_write,
	.zero = flat_zero,
	.sync = flat_sync,
	.finish = flat_finish,
};

int dump_target_flat(struct dump_target *t, int fd, const char *name)
{
	struct flat_target *f = xcalloc(1, sizeof(*f));

	f->fd = fd;
	memset(t, 0, sizeof(*t));
	t->ops = &flat_ops;
	t->priv = f;
	t->name = name;
	return 0;
}

uint64_t dump_target_flat_bytes(const struct dump_target *t)
{
	return t->ops == &flat_ops ? ((const struct flat_target *)t->priv)->bytes : 0;
}

void dump_target_free(struct dump_target *t)
{
	if (t->ops == &file_ops) {
		struct file_target *f = t->priv;

		if (f->fd >= 0)
			close(f->fd);
		free(f->path);
		free(f->tmppath);
	}
	free(t->priv);
	free(t->bad);
	t->priv = NULL;
	t->bad = NULL;
}

/* ---- an open scratch file ---------------------------------------------- */

static int fd_begin(struct dump_target *t, uint64_t size)
{
	(void)t, (void)size;
	return 0;
}

static int fd_write(struct dump_target *t, const void *buf, size_t len, uint64_t off)
{
	return pwrite_all(*(int *)t->priv, buf, len, off);
}

static int fd_zero(struct dump_target *t, size_t len, uint64_t off)
{
	(void)t, (void)len, (void)off;
	return 0;	/* a hole: finish sets the size */
}

static int fd_sync(struct dump_target *t)
{
	(void)t;
	return 0;	/* scratch: nobody reads it after a crash */
}

static int fd_finish(struct dump_target *t, int complete, const struct dump_target *info)
{
	(void)complete;
	return ftruncate(*(int *)t->priv, (off_t)info->size);
}

static const struct dump_target_ops fd_ops = {
	.begin = fd_begin,
	.write = fd_write,
	.zero = fd_zero,
	.sync = fd_sync,
	.finish = fd_finish,
};

void dump_target_fd(struct dump_target *t, int *fd, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->ops = &fd_ops;
	t->priv = fd;
	t->name = name;
}
