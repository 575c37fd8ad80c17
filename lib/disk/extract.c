/* The copy of diskprep extract (disk/extract.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/dumpbox.h"
#include "base/err.h"
#include "base/window.h"
#include "disk/extract.h"

#define COPY_BUF (1u << 20)
/* Holes in a 4 KiB granule, the page size of both architectures, so they
 * line up with the dump's pages. */
#define GRANULE 4096u

/* Write buf[0..n) at off: a sparse file gets the runs of data and leaves
 * the zero granules as holes; anything else gets every byte in order. */
static int put(const struct extract_copy *c, const uint8_t *buf, size_t n, uint64_t off,
	       struct err *e)
{
	if (c->to < 0)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t k = n - i < GRANULE ? n - i : GRANULE, j;

		if (c->sparse && buf_is_zero(buf + i, k)) {
			i += k;
			continue;
		}
		j = i + k;
		while (j < n && !(c->sparse && buf_is_zero(buf + j, n - j < GRANULE ? n - j : GRANULE)))
			j += n - j < GRANULE ? n - j : GRANULE;
		if (c->sparse ? pwrite_all(c->to, buf + i, j - i, off + i) < 0
			      : write_all(c->to, buf + i, j - i) < 0)
			return err_set(e, EXIT_DAMAGED, "write to %s failed:", c->to_name);
		i = j;
	}
	return 0;
}

int extract_copy(struct extract_copy *c, struct err *e)
{
	uint64_t size = c->from->size, pos = 0;
	uint8_t *buf = xmalloc(COPY_BUF);
	uLong crc = crc32(0, NULL, 0);
	int rc = 0;

	while (pos < size && !rc) {
		size_t n = size - pos < COPY_BUF ? (size_t)(size - pos) : COPY_BUF;
		ssize_t got = window_pread(c->from, buf, n, pos);

		if (got != (ssize_t)n) {
			c->unreadable_at = pos;
			rc = err_set(e, EXIT_DAMAGED, "%s: read error at dump byte %" PRIu64 "%s%s",
				     c->from_name, pos, got < 0 ? ": " : "",
				     got < 0 ? strerror(errno) : " (device too short)");
			break;
		}
		crc = crc32(crc, buf, (uInt)n);
		rc = put(c, buf, n, pos, e);
		pos += n;
		if (c->progress)
			c->progress(c->arg, pos, size);
	}
	free(buf);
	c->crc = (uint32_t)crc;
	if (!rc && c->sparse && ftruncate(c->to, (off_t)size) < 0)
		rc = err_set(e, EXIT_DAMAGED, "cannot set the size of %s:", c->to_name);
	return rc;
}
