/* newc cpio: the spec parser and writer that build our initramfs, and the
 * reader kdump-load uses to look into one. Written from the format's
 * description (cpio(5), the kernel's Documentation/driver-api/
 * early-userspace/buffer-format.rst), not from gen_init_cpio. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/dumpbox.h"
#include "base/err.h"
#include "sys/cpio.h"

/* Every cpio failure means the spec or the archive is bad. */
#define seterr(err, ...) err_ret(err, EXIT_DAMAGED, __VA_ARGS__)

/* ---- the spec ----------------------------------------------------------- */

#define MAX_FIELDS 9

static const struct {
	const char *word;
	enum cpio_type type;
	int fields;		/* including the type word */
	const char *syntax;
} kinds[] = {
	{ "dir", CPIO_DIR, 5, "dir NAME MODE UID GID" },
	{ "file", CPIO_FILE, 6, "file NAME SOURCE MODE UID GID" },
	{ "nod", CPIO_NOD, 8, "nod NAME MODE UID GID c|b MAJ MIN" },
	{ "slink", CPIO_SLINK, 6, "slink NAME TARGET MODE UID GID" },
};

/* Decimal or octal digits only, no sign, no prefix, at most max. */
static int parse_num(const char *s, int base, uint64_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d >= (unsigned)base)
			return -1;
		v = v * (uint64_t)base + d;
		if (v > max)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* An archive path: absolute or not, stored without leading slashes; no
 * empty, "." or ".." components (the kernel would create them
 * literally or outside the root). */
static int check_name(const char *name, struct err *err)
{
	const char *p = name;

	while (*p == '/')
		p++;
	if (!*p)
		return seterr(err, "'%s': empty name", name);
	if (strlen(p) >= CPIO_NAME_MAX)
		return seterr(err, "name longer than %d bytes", CPIO_NAME_MAX - 1);
	/* The kernel (and cpio) stop reading at a member of this name. */
	if (strcmp(p, CPIO_TRAILER) == 0)
		return seterr(err, "'%s': the name that ends an archive", name);
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return seterr(err, "'%s': empty, '.' or '..' path component", name);
		p += n;
		if (*p == '/')
			p++;
		if (!*p && p[-1] == '/')
			return seterr(err, "'%s': trailing '/'", name);
	}
	return 0;
}

int cpio_spec_line(const char *line, struct cpio_entry *e, struct err *err)
{
	char buf[2 * CPIO_NAME_MAX + 256];
	char *f[MAX_FIELDS + 1];
	int nf = 0, k = -1, i = 0;
	char *p;
	uint32_t m;
	size_t len = strlen(line);
	char *save;

	memset(e, 0, sizeof(*e));
	if (len >= sizeof(buf))
		return seterr(err, "line too long");
	memcpy(buf, line, len + 1);
	for (p = strtok_r(buf, " \t\r", &save); p && nf <= MAX_FIELDS;
	     p = strtok_r(NULL, " \t\r", &save))
		f[nf++] = p;
	if (nf == 0 || f[0][0] == '#')
		return 0;
	for (size_t j = 0; j < ARRAY_SIZE(kinds); j++)
		if (strcmp(f[0], kinds[j].word) == 0)
			k = (int)j;
	if (k < 0)
		return seterr(err, "unknown type '%.32s' (dir, file, nod, slink)", f[0]);
	if (nf != kinds[k].fields)
		return seterr(err, "%s %d fields, want: %s",
			      nf < kinds[k].fields ? "only" : "too many:", nf, kinds[k].syntax);
	e->type = kinds[k].type;
	if (check_name(f[1], err) < 0)
		return -1;
	i = 2;
	if (e->type == CPIO_FILE || e->type == CPIO_SLINK) {
		if (strlen(f[2]) >= CPIO_NAME_MAX)
			return seterr(err, "%s longer than %d bytes",
				      e->type == CPIO_FILE ? "SOURCE" : "TARGET", CPIO_NAME_MAX - 1);
		i = 3;
	}
	if (parse_num(f[i], 8, 07777, &e->mode) < 0)
		return seterr(err, "MODE '%.32s' is not an octal mode up to 7777", f[i]);
	if (parse_num(f[i + 1], 10, UINT32_MAX, &e->uid) < 0)
		return seterr(err, "UID '%.32s' is not a decimal number", f[i + 1]);
	if (parse_num(f[i + 2], 10, UINT32_MAX, &e->gid) < 0)
		return seterr(err, "GID '%.32s' is not a decimal number", f[i + 2]);
	if (e->type == CPIO_NOD) {
		if (strcmp(f[5], "c") != 0 && strcmp(f[5], "b") != 0)
			return seterr(err, "device type '%.32s' is not c or b", f[5]);
		e->dev = f[5][0];
		/* Linux's dev_t: 12 bits of major, 20 of minor. */
		if (parse_num(f[6], 10, 4095, &m) < 0)
			return seterr(err, "MAJ '%.32s' is not a number up to 4095", f[6]);
		e->maj = m;
		if (parse_num(f[7], 10, 1048575, &m) < 0)
			return seterr(err, "MIN '%.32s' is not a number up to 1048575", f[7]);
		e->min = m;
	}
	p = f[1];
	while (*p == '/')
		p++;
	e->name = xstrdup(p);
	if (e->type == CPIO_FILE || e->type == CPIO_SLINK)
		e->source = xstrdup(f[2]);
	return 1;
}

void cpio_entry_free(struct cpio_entry *e)
{
	free(e->name);
	free(e->source);
	e->name = e->source = NULL;
}

static const struct cpio_entry *find_entry(const struct cpio_spec *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (strncmp(s->e[i].name, name, len) == 0 && s->e[i].name[len] == '\0')
			return &s->e[i];
	return NULL;
}

int cpio_spec_parse(struct cpio_spec *s, const char *text, size_t len, const char *fname,
		    struct err *err)
{
	struct err msg;
	unsigned line = 0;
	size_t pos = 0;

	if (memchr(text, '\0', len))
		return seterr(err, "%s: contains a NUL byte: not a text spec", fname);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct cpio_entry e;
		const struct cpio_entry *other;
		const char *slash;
		char *l;
		int rc;

		line++;
		l = xmalloc(n + 1);
		memcpy(l, text + pos, n);
		l[n] = '\0';
		pos += n + (nl != NULL);
		rc = cpio_spec_line(l, &e, &msg);
		free(l);
		if (rc < 0)
			return seterr(err, "%s:%u: %s", fname, line, msg.msg);
		if (rc == 0)
			continue;
		e.file = fname;
		e.line = line;
		other = find_entry(s, e.name, strlen(e.name));
		if (other) {
			seterr(err, "%s:%u: /%s is already in the archive (%s:%u)", fname,
			       line, e.name, other->file, other->line);
			cpio_entry_free(&e);
			return -1;
		}
		/* The kernel creates each member as it comes and does not make
		 * missing parents: a file before its directory is lost. */
		slash = strrchr(e.name, '/');
		if (slash) {
			other = find_entry(s, e.name, (size_t)(slash - e.name));
			if (!other || other->type != CPIO_DIR) {
				seterr(err, "%s:%u: /%s: directory /%.*s is not created before it",
				       fname, line, e.name, (int)(slash - e.name), e.name);
				cpio_entry_free(&e);
				return -1;
			}
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 64;
			s->e = xrealloc(s->e, s->cap * sizeof(*s->e));
		}
		s->e[s->n++] = e;
	}
	return 0;
}

void cpio_spec_free(struct cpio_spec *s)
{
	for (size_t i = 0; i < s->n; i++)
		cpio_entry_free(&s->e[i]);
	free(s->e);
	memset(s, 0, sizeof(*s));
}

/* ---- the writer --------------------------------------------------------- */

struct out {
	int fd;
	uint64_t off;
	struct err *err;
};

static int put(struct out *o, const void *buf, size_t len)
{
	if (write_all(o->fd, buf, len) < 0)
		return seterr(o->err, "write: %s", strerror(errno));
	o->off += len;
	return 0;
}

static int pad(struct out *o, unsigned to)
{
	static const char zeros[512];
	size_t n = (size_t)((to - o->off % to) % to);

	return n ? put(o, zeros, n) : 0;
}

static int header(struct out *o, uint32_t ino, uint32_t mode, const struct cpio_entry *e,
		  uint32_t nlink, uint32_t mtime, uint32_t size, const char *name)
{
	char h[CPIO_HEADER_SIZE + 1];
	size_t namesize = strlen(name) + 1;

	snprintf(h, sizeof(h),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", CPIO_MAGIC, ino, mode,
		 e ? e->uid : 0, e ? e->gid : 0, nlink, mtime, size, 0u, 0u, e ? e->maj : 0,
		 e ? e->min : 0, (uint32_t)namesize, 0u);
	if (put(o, h, CPIO_HEADER_SIZE) < 0 || put(o, name, namesize) < 0)
		return -1;
	return pad(o, 4);
}

/* Write one file member: the size comes from fstat, and the copy must
 * find exactly that many bytes, or the archive would be misaligned. */
static int write_file(struct out *o, uint32_t ino, uint32_t mtime, const struct cpio_entry *e)
{
	char buf[65536];
	struct stat st;
	uint64_t done = 0;
	int fd = open(e->source, O_RDONLY | O_CLOEXEC);
	int rc = -1;

	if (fd < 0)
		return seterr(o->err, "%s:%u: %s: %s", e->file, e->line, e->source,
			      strerror(errno));
	if (fstat(fd, &st) < 0) {
		seterr(o->err, "%s:%u: %s: %s", e->file, e->line, e->source,
		       strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(o->err, "%s:%u: %s is not a regular file", e->file, e->line,
		       e->source);
		goto out;
	}
	if ((uint64_t)st.st_size > UINT32_MAX) {
		seterr(o->err, "%s:%u: %s is larger than newc's 4 GiB limit", e->file,
		       e->line, e->source);
		goto out;
	}
	if (header(o, ino, S_IFREG | e->mode, e, 1, mtime, (uint32_t)st.st_size, e->name) < 0)
		goto out;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			seterr(o->err, "%s: %s", e->source, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (done + (uint64_t)n > (uint64_t)st.st_size)
			break;
		if (put(o, buf, (size_t)n) < 0)
			goto out;
		done += (uint64_t)n;
	}
	if (done != (uint64_t)st.st_size) {
		seterr(o->err, "%s:%u: %s changed size while being read", e->file,
		       e->line, e->source);
		goto out;
	}
	rc = pad(o, 4);
out:
	close(fd);
	return rc;
}

int cpio_write(int fd, const struct cpio_spec *s, uint32_t mtime, struct err *err)
{
	struct out o = { .fd = fd, .err = err };

	for (size_t i = 0; i < s->n; i++) {
		const struct cpio_entry *e = &s->e[i];
		uint32_t ino = (uint32_t)(i + 1);
		int rc = 0;

		switch (e->type) {
		case CPIO_DIR:
			rc = header(&o, ino, S_IFDIR | e->mode, e, 2, mtime, 0, e->name);
			break;
		case CPIO_NOD:
			rc = header(&o, ino, (e->dev == 'b' ? S_IFBLK : S_IFCHR) | e->mode, e, 1,
				    mtime, 0, e->name);
			break;
		case CPIO_SLINK: {
			size_t n = strlen(e->source);

			rc = header(&o, ino, S_IFLNK | e->mode, e, 1, mtime, (uint32_t)n, e->name);
			if (rc == 0)
				rc = put(&o, e->source, n);
			if (rc == 0)
				rc = pad(&o, 4);
			break;
		}
		case CPIO_FILE:
			rc = write_file(&o, ino, mtime, e);
			break;
		}
		if (rc < 0)
			return -1;
	}
	if (header(&o, 0, 0, NULL, 1, 0, 0, CPIO_TRAILER) < 0)
		return -1;
	return pad(&o, 512);
}

/* ---- the reader --------------------------------------------------------- */

static int hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		int c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

/* Decode the member at off; *next is where the following one starts.
 * Returns 1 for a member, 0 for a trailer, -1 with err. */
static int member_at(const uint8_t *buf, size_t len, size_t off, struct cpio_member *m,
		     size_t *next, struct err *err)
{
	uint32_t f[13], namesize;
	size_t p;

	if (len - off < CPIO_HEADER_SIZE)
		return seterr(err, "offset %zu: header cut off", off);
	if (memcmp(buf + off, "07070", 5) != 0 || (buf[off + 5] != '1' && buf[off + 5] != '2'))
		return seterr(err, "offset %zu: no newc magic (070701)", off);
	for (int i = 0; i < 13; i++)
		if (hex8(buf + off + 6 + 8 * i, &f[i]) < 0)
			return seterr(err, "offset %zu: header field %d is not hex", off, i);
	memset(m, 0, sizeof(*m));
	m->mode = f[1];
	m->uid = f[2];
	m->gid = f[3];
	m->nlink = f[4];
	m->mtime = f[5];
	m->size = f[6];
	m->rmaj = f[9];
	m->rmin = f[10];
	m->offset = off;
	namesize = f[11];
	if (namesize == 0 || namesize > CPIO_NAME_MAX)
		return seterr(err, "offset %zu: name size %u out of range", off, namesize);
	p = off + CPIO_HEADER_SIZE;
	if (len - p < namesize)
		return seterr(err, "offset %zu: name cut off", off);
	if (buf[p + namesize - 1] != '\0' || memchr(buf + p, '\0', namesize) != buf + p + namesize - 1)
		return seterr(err, "offset %zu: name is not NUL-terminated", off);
	m->name = (const char *)buf + p;
	p = align4(p + namesize);
	if (p > len || len - p < m->size)
		return seterr(err, "offset %zu: %s: %u bytes of data cut off", off, m->name,
			      m->size);
	m->data = buf + p;
	p += m->size;
	*next = align4(p) < len ? align4(p) : len;
	return strcmp(m->name, CPIO_TRAILER) != 0;
}

/* Zero bytes between archives, as the kernel skips them. */
static size_t skip_zeros(const uint8_t *buf, size_t len, size_t off)
{
	while (off < len && buf[off] == 0)
		off++;
	return off;
}

int cpio_walk(const uint8_t *buf, size_t len,
	      int (*fn)(const struct cpio_member *m, void *arg), void *arg,
	      struct err *err)
{
	size_t off = 0, next;
	struct cpio_member m;

	while ((off = skip_zeros(buf, len, off)) < len) {
		int rc = member_at(buf, len, off, &m, &next, err);

		if (rc < 0)
			return -1;
		if (rc > 0 && fn) {
			int r = fn(&m, arg);

			if (r)
				return r;
		}
		off = next;
	}
	return 0;
}

/* The end of the uncompressed archive starting at off (after its trailer,
 * 4-aligned), or 0 with err. */
static size_t archive_end(const uint8_t *buf, size_t len, size_t off, struct err *err)
{
	struct cpio_member m;
	size_t next;

	for (;;) {
		int rc = member_at(buf, len, off, &m, &next, err);

		if (rc < 0)
			return 0;
		if (rc == 0)
			return next;
		if (next <= off)
			return seterr(err, "offset %zu: no progress", off), 0;
		off = next;
	}
}

static const struct {
	const uint8_t magic[4];
	size_t len;
	const char *name;
} other_formats[] = {
	{ { 0xfd, '7', 'z', 'X' }, 4, "xz" },
	{ { 0x28, 0xb5, 0x2f, 0xfd }, 4, "zstd" },
	{ { 0x02, 0x21, 0x4c, 0x18 }, 4, "lz4" },
	{ { 'B', 'Z', 'h' }, 3, "bzip2" },
	{ { 0x89, 'L', 'Z', 'O' }, 4, "lzo" },
	{ { 0x5d, 0x00, 0x00 }, 3, "lzma" },
};

struct growbuf {
	uint8_t *p;
	size_t len, cap, max;
};

static int grow(struct growbuf *g, size_t need, struct err *err)
{
	size_t cap;

	if (need <= g->cap)
		return 0;
	if (need > g->max)
		return seterr(err, "unpacks to more than %zu bytes", g->max);
	cap = g->cap ? g->cap : 1 << 20;
	if (cap > g->max)
		cap = g->max;
	while (cap < need)
		cap = cap > g->max / 2 ? g->max : cap * 2;
	g->p = xrealloc(g->p, cap);
	g->cap = cap;
	return 0;
}

static int gunzip(struct growbuf *g, const uint8_t *in, size_t len, size_t *used, struct err *err)
{
	z_stream zs;
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return seterr(err, "zlib: cannot initialise");
	zs.next_in = (uint8_t *)in;
	do {
		size_t chunk = len - (size_t)((const uint8_t *)zs.next_in - in);

		if (grow(g, g->len + 65536 < g->max ? g->len + 65536 : g->max, err) < 0)
			break;
		zs.avail_in = chunk > UINT32_MAX ? UINT32_MAX : (uInt)chunk;
		zs.next_out = g->p + g->len;
		zs.avail_out = (uInt)(g->cap - g->len > UINT32_MAX ? UINT32_MAX : g->cap - g->len);
		if (zs.avail_out == 0) {
			seterr(err, "unpacks to more than %zu bytes", g->max);
			break;
		}
		rc = inflate(&zs, Z_NO_FLUSH);
		g->len = (size_t)(zs.next_out - g->p);
		if (rc == Z_STREAM_END) {
			*used = (size_t)((const uint8_t *)zs.next_in - in);
			inflateEnd(&zs);
			return 0;
		}
		if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
			seterr(err, "gzip data cut off");
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			seterr(err, "gzip: %s", zs.msg ? zs.msg : "corrupt data");
			break;
		}
	} while (1);
	inflateEnd(&zs);
	return -1;
}

uint8_t *cpio_load_image(const uint8_t *img, size_t len, size_t max, size_t *out_len,
			 struct err *err)
{
	struct growbuf g = { .max = max };
	size_t off = 0;

	while ((off = skip_zeros(img, len, off)) < len) {
		size_t rest = len - off, used = 0;

		if (rest >= 2 && img[off] == 0x1f && img[off + 1] == 0x8b) {
			if (gunzip(&g, img + off, rest, &used, err) < 0)
				goto fail;
			off += used;
		} else if (rest >= 6 && memcmp(img + off, "07070", 5) == 0) {
			size_t end = archive_end(img, len, off, err);

			if (!end)
				goto fail;
			if (grow(&g, g.len + (end - off), err) < 0)
				goto fail;
			memcpy(g.p + g.len, img + off, end - off);
			g.len += end - off;
			off = end;
		} else {
			const char *what = NULL;

			for (size_t i = 0; i < ARRAY_SIZE(other_formats); i++)
				if (rest >= other_formats[i].len &&
				    memcmp(img + off, other_formats[i].magic, other_formats[i].len) == 0)
					what = other_formats[i].name;
			if (what)
				seterr(err, "offset %zu: compressed with %s (this reader "
					"knows gzip and uncompressed archives)", off, what);
			else
				seterr(err, "offset %zu: neither a newc archive nor gzip", off);
			goto fail;
		}
	}
	if (g.len == 0) {
		seterr(err, "no archive in it");
		goto fail;
	}
	*out_len = g.len;
	return g.p;
fail:
	free(g.p);
	return NULL;
}
