#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
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
	return 0;
fail:
	close(fd);
	return -1;
}

ssize_t window_pread(const struct window *w, void *buf, size_t len, uint64_t off)
{
	size_t got;
	int rc;

	if (off >= w->size)
		return 0;
	if (len > w->size - off)
		len = (size_t)(w->size - off);
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
