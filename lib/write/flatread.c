/* Reassembly of a flattened dump stream (lib/write/flatread.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/bytes.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "write/dumptarget.h"
#include "write/flatread.h"

#define FLAT_TYPE 1	/* makedumpfile's TYPE_FLAT_HEADER */
#define FLAT_VERSION 1
#define RECORD_CHUNK (1u << 20)

#define fail err_fail

int flat_is_stream(const void *buf, size_t len)
{
	return len >= sizeof(FLAT_SIGNATURE) && memcmp(buf, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)) == 0;
}

/* Read up to len bytes; fewer only at the end of the stream. */
static ssize_t read_some(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int write_failed(struct dump_target *t, struct err *err, uint64_t off)
{
	int e = errno;

	t->error = e;
	return fail(err, e == ENOSPC || e == EFBIG || e == EDQUOT ? EXIT_INCOMPLETE
									  : EXIT_DAMAGED,
		    "writing %s at offset %" PRIu64 ": %s", t->name, off, strerror(e));
}

static int records(int in, struct dump_target *t, unsigned char *buf, uint64_t *pos,
		   struct err *err)
{
	unsigned char h[16];

	for (;;) {
		ssize_t n = read_some(in, h, sizeof(h));
		uint64_t off, size;

		if (n < 0)
			return fail(err, EXIT_DAMAGED, "reading the stream at byte %" PRIu64
				    ": %s", *pos, strerror(errno));
		if (n < (ssize_t)sizeof(h))
			return fail(err, EXIT_INCOMPLETE, "the stream ends at byte %" PRIu64
				    " without its end marker: the dump is incomplete", *pos + (uint64_t)n);
		*pos += sizeof(h);
		off = get_be64(h);
		size = get_be64(h + 8);
		if (off == UINT64_MAX && size == UINT64_MAX)
			return EXIT_OK;
		if (off >= FLAT_MAX_END || size > FLAT_MAX_END - off)
			return fail(err, EXIT_DAMAGED, "record at byte %" PRIu64 " of the "
				    "stream: offset %" PRId64 ", size %" PRId64 " make no sense",
				    *pos - sizeof(h), (int64_t)off, (int64_t)size);
		if (off + size > t->size)
			t->size = off + size;
		while (size) {
			size_t want = size < RECORD_CHUNK ? (size_t)size : RECORD_CHUNK;

			n = read_some(in, buf, want);
			if (n < 0)
				return fail(err, EXIT_DAMAGED, "reading the stream at byte %"
					    PRIu64 ": %s", *pos, strerror(errno));
			if ((size_t)n < want)
				return fail(err, EXIT_INCOMPLETE, "the stream ends at byte %"
					    PRIu64 ", inside a record: the dump is incomplete",
					    *pos + (uint64_t)n);
			if (dump_put(t, buf, want, off) < 0)
				return write_failed(t, err, off);
			t->written += want;
			*pos += want;
			off += want;
			size -= want;
		}
	}
}

int flat_reassemble(int in, struct dump_target *t, struct err *err)
{
	unsigned char *buf = xmalloc(RECORD_CHUNK > FLAT_HEADER_SIZE ? RECORD_CHUNK : FLAT_HEADER_SIZE);
	uint64_t pos = FLAT_HEADER_SIZE;
	ssize_t n = read_some(in, buf, FLAT_HEADER_SIZE);
	int rc, complete;

	t->size = t->written = 0;
	if (n < 0) {
		rc = fail(err, EXIT_DAMAGED, "cannot read the stream: %s", strerror(errno));
		goto out;
	}
	if (!flat_is_stream(buf, (size_t)n)) {
		rc = fail(err, EXIT_NOT_OURS, "not a flattened dump stream (no \"%s\" "
			  "header)", FLAT_SIGNATURE);
		goto out;
	}
	if (n < FLAT_HEADER_SIZE) {
		rc = fail(err, EXIT_INCOMPLETE, "the stream ends inside its header");
		goto out;
	}
	if (get_be64(buf + 16) != FLAT_TYPE || get_be64(buf + 24) != FLAT_VERSION) {
		rc = fail(err, EXIT_DAMAGED, "flattened header of type %" PRIu64 ", version %"
			  PRIu64 ": only type 1, version 1 exist", get_be64(buf + 16),
			  get_be64(buf + 24));
		goto out;
	}
	if (t->ops->begin(t, 0) < 0) {
		rc = write_failed(t, err, 0);
		goto out;
	}
	rc = records(in, t, buf, &pos, err);
	if (!rc && dump_sync(t) < 0)
		rc = write_failed(t, err, t->size);
	complete = rc == EXIT_OK;
	if (t->ops->finish(t, complete, t) < 0 && rc == EXIT_OK)
		rc = write_failed(t, err, t->size);
	if (rc == EXIT_OK && read_some(in, buf, 1) == 1)
		warnmsg("%s: data after the end marker of the flattened stream ignored", t->name);
out:
	free(buf);
	return rc;
}
