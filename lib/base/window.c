#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/fs.h>

#include "base/dumpbox.h"
#include "base/window.h"

void window_init(struct window *w, int fd, uint64_t base, uint64_t size,
		 const char *name)
{
	w->fd = fd;
	w->base = base;
	w->size = size;
	w->name = name;
	w->mmap = 0;
}

#define PROC_MAGIC 0x9fa0	/* PROC_SUPER_MAGIC */

static int want_mmap(int fd, const struct stat *st)
{
	const char *env = getenv(WINDOW_MMAP_ENV);
	struct statfs fs;

	if (!S_ISREG(st->st_mode) || (env && strcmp(env, "0") == 0))
		return 0;
	if (env && strcmp(env, "1") == 0)
		return 1;
	return fstatfs(fd, &fs) == 0 && fs.f_type == PROC_MAGIC;
}

int window_open(struct window *w, const char *path)
{
	struct stat st;
	uint64_t size;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (S_ISREG(st.st_mode)) {
		size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size) < 0)
			goto fail;
	} else {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	window_init(w, fd, 0, size, path);
	w->mmap = want_mmap(fd, &st);
	return 0;
fail:
	close(fd);
	return -1;
}

/* len bytes at pos of fd through a mapping of just that range. 0, or -1
 * when mmap() is refused. */
static int mmap_read(int fd, void *buf, size_t len, uint64_t pos)
{
	static long page;
	uint64_t start;
	size_t span;
	void *p;

	if (!page)
		page = sysconf(_SC_PAGESIZE);
	start = pos & ~((uint64_t)page - 1);
	span = len + (size_t)(pos - start);
	p = mmap(NULL, span, PROT_READ, MAP_PRIVATE, fd, (off_t)start);
	if (p == MAP_FAILED)
		return -1;
	memcpy(buf, (const unsigned char *)p + (pos - start), len);
	munmap(p, span);
	return 0;
}

ssize_t window_pread(const struct window *w, void *buf, size_t len, uint64_t off)
{
	size_t got;
	int rc;

	if (off >= w->size)
		return 0;
	if (len > w->size - off)
		len = (size_t)(w->size - off);
	if (__atomic_load_n(&w->mmap, __ATOMIC_RELAXED) && len) {
		if (mmap_read(w->fd, buf, len, w->base + off) == 0)
			return (ssize_t)len;
		/* Refused once, refused always: no second try per read. The
		 * flag is the window's only state, written by one side. */
		__atomic_store_n(&((struct window *)w)->mmap, 0, __ATOMIC_RELAXED);
	}
	rc = pread_full(w->fd, buf, len, w->base + off, &got);
	if (rc < 0 && got == 0)
		return -1;
	return (ssize_t)got;
}

void window_close(struct window *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
