#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/bytes.h"
#include "base/diskio.h"
#include "base/dumpbox.h"

/* Trace records: 'W' u64 offset, u32 length, data; 'S' (an fsync). Little
 * endian. Only the test hook writes them; a trace that cannot be written
 * kills the run rather than yielding a trace that silently lacks writes. */
static int trace_fd = -2;

static int tracer(void)
{
	const char *path;

	if (!IS_ENABLED(CONFIG_DISKPREP_TEST_HOOKS))
		return -1;
	if (trace_fd == -2) {
		path = getenv("DUMPBOX_WRITE_TRACE");
		trace_fd = -1;
		if (path && *path)
			trace_fd = xopen(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	}
	return trace_fd;
}

int disk_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	int t = tracer();

	if (t >= 0) {
		uint8_t h[13];

		h[0] = 'W';
		put_le64(h + 1, off);
		put_le32(h + 9, (uint32_t)len);
		xwrite_all(t, h, sizeof(h), "the write trace");
		xwrite_all(t, buf, len, "the write trace");
	}
	return pwrite_all(fd, buf, len, off);
}

int disk_fsync(int fd)
{
	int t = tracer();

	if (t >= 0)
		xwrite_all(t, "S", 1, "the write trace");
	if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS)
		return -1;
	return 0;
}
