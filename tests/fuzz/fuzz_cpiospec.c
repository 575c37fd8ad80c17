/* libFuzzer target: the cpio spec parser and the archive reader.
 *
 * The input as a spec: parsed; when it names no files (whose SOURCE would
 * be read from this machine), written into a memfd and read back, which
 * must give the spec's entries, in order, with their modes. The input as
 * an archive or an initramfs image: walked and unpacked (gzip) within
 * bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	const struct cpio_spec *s;
	size_t i;
};

static int same(const struct cpio_member *m, void *arg)
{
	struct check *c = arg;
	const struct cpio_entry *e;

	if (c->i >= c->s->n)
		abort();
	e = &c->s->e[c->i++];
	if (strcmp(m->name, e->name) != 0 || (m->mode & 07777) != e->mode)
		abort();
	if (e->type == CPIO_SLINK &&
	    (m->size != strlen(e->source) || memcmp(m->data, e->source, m->size) != 0))
		abort();
	return 0;
}

static int count(const struct cpio_member *m, void *arg)
{
	(void)m;
	++*(size_t *)arg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct cpio_spec s = { 0 };
	struct err err;
	size_t n = 0, len;
	uint8_t *img;

	if (fd < 0)
		fd = memfd_create("fuzz_cpiospec", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (cpio_spec_parse(&s, (const char *)data, size, "fuzz", &err) == 0) {
		int files = 0;

		for (size_t i = 0; i < s.n; i++)
			files |= s.e[i].type == CPIO_FILE;
		if (!files) {
			struct check c = { &s, 0 };
			struct stat st;
			uint8_t *buf;

			if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
			    cpio_write(fd, &s, 0, &err) < 0 || fstat(fd, &st) < 0)
				abort();
			buf = malloc((size_t)st.st_size);
			if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
				abort();
			if (cpio_walk(buf, (size_t)st.st_size, same, &c, &err) != 0 ||
			    c.i != s.n)
				abort();
			free(buf);
		}
	}
	cpio_spec_free(&s);

	cpio_walk(data, size, count, &n, &err);
	img = cpio_load_image(data, size, 1 << 20, &len, &err);
	if (img) {
		if (len > 1 << 20)
			abort();
		cpio_walk(img, len, count, &n, &err);
		free(img);
	}
	return 0;
}
