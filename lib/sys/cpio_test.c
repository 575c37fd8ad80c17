/* The cpio spec parser, writer and reader: what a spec line may say, that
 * the reader reads back what the writer wrote, and that the reader stays
 * inside its buffer on damaged archives (kdump-load reads initramfs files
 * it did not make). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "base/dumpbox.h"
#include "sys/cpio.h"

static void line_kinds(void **state)
{
	struct cpio_entry e;
	struct err err;

	(void)state;
	assert_int_equal(cpio_spec_line("nod /dev/console 0600 0 5 c 5 1", &e, &err), 1);
	assert_int_equal(e.type, CPIO_NOD);
	assert_string_equal(e.name, "dev/console");
	assert_int_equal(e.mode, 0600);
	assert_int_equal(e.gid, 5);
	assert_int_equal(e.dev, 'c');
	assert_int_equal(e.maj, 5);
	assert_int_equal(e.min, 1);
	cpio_entry_free(&e);

	assert_int_equal(cpio_spec_line("\tslink  /init\tbin/dumpbox 0777 0 0\r", &e, &err), 1);
	assert_int_equal(e.type, CPIO_SLINK);
	assert_string_equal(e.source, "bin/dumpbox");
	cpio_entry_free(&e);

	assert_int_equal(cpio_spec_line("   ", &e, &err), 0);
	assert_int_equal(cpio_spec_line("# file /x y 0 0 0", &e, &err), 0);
	assert_int_equal(cpio_spec_line("", &e, &err), 0);
}

static void line_errors(void **state)
{
	static const char *const bad[] = {
		"dir", "dir /a", "dir /a 0755 0", "dir /a 0755 0 0 0", "dir /a 8 0 0",
		"dir /a 07777x 0 0", "dir /a 017777 0 0", "dir /a +755 0 0", "dir /a 0755 0x1 0",
		"dir /a 0755 0 99999999999", "nod /a 0600 0 0 c 1", "nod /a 0600 0 0 cc 1 1",
		"nod /a 0600 0 0 b 1 1048576", "dir a//b 0755 0 0", "dir /a/ 0755 0 0",
		"dir ./a 0755 0 0", "dir // 0755 0 0", "pipe /p 0644 0 0",
	};
	struct cpio_entry e;
	struct err err;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		if (cpio_spec_line(bad[i], &e, &err) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err.msg[0] != '\0');
	}
}

static void whole_spec_checks(void **state)
{
	struct cpio_spec s = { 0 };
	struct err err;
	const char *ok = "dir /a 0755 0 0\ndir /a/b 0755 0 0\nslink /a/b/c x 0777 0 0";
	const char *dup = "dir /a 0755 0 0\n\ndir a 0755 0 0\n";
	const char *orphan = "dir /a 0755 0 0\nslink /b/c x 0777 0 0\n";
	const char *notdir = "slink /a x 0777 0 0\nslink /a/c x 0777 0 0\n";

	(void)state;
	assert_int_equal(cpio_spec_parse(&s, ok, strlen(ok), "t", &err), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.e[2].line, 3);
	cpio_spec_free(&s);
	assert_int_equal(cpio_spec_parse(&s, dup, strlen(dup), "t", &err), -1);
	assert_string_equal(err.msg, "t:3: /a is already in the archive (t:1)");
	cpio_spec_free(&s);
	assert_int_equal(cpio_spec_parse(&s, orphan, strlen(orphan), "t", &err), -1);
	assert_string_equal(err.msg, "t:2: /b/c: directory /b is not created before it");
	cpio_spec_free(&s);
	assert_int_equal(cpio_spec_parse(&s, notdir, strlen(notdir), "t", &err), -1);
	cpio_spec_free(&s);
	assert_int_equal(cpio_spec_parse(&s, "dir /a 0755 0 0\0", 16, "t", &err), -1);
	cpio_spec_free(&s);
}

struct seen {
	int n;
	char names[8][32];
	uint32_t modes[8], sizes[8];
	char data[8][32];
};

static int collect(const struct cpio_member *m, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", m->name);
		s->modes[s->n] = m->mode;
		s->sizes[s->n] = m->size;
		snprintf(s->data[s->n], sizeof(s->data[0]), "%.*s", (int)m->size, m->data);
	}
	s->n++;
	return 0;
}

/* Write the archive of a spec into memory (a memfd). */
static uint8_t *build(const char *text, uint32_t mtime, size_t *len)
{
	struct cpio_spec s = { 0 };
	struct err err;
	struct stat st;
	uint8_t *buf;
	int fd = memfd_create("cpio_test", 0);

	assert_true(fd >= 0);
	if (cpio_spec_parse(&s, text, strlen(text), "t", &err) < 0)
		fail_msg("%s", err.msg);
	if (cpio_write(fd, &s, mtime, &err) < 0)
		fail_msg("%s", err.msg);
	cpio_spec_free(&s);
	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	buf = malloc(*len);
	assert_int_equal(pread(fd, buf, *len, 0), (ssize_t)*len);
	close(fd);
	return buf;
}

static void roundtrip(void **state)
{
	char src[] = "/tmp/cpio_test.XXXXXX", spec[512];
	struct seen s = { 0 };
	struct err err;
	size_t len;
	uint8_t *a;
	int fd = mkstemp(src);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abcde", 5), 5);
	close(fd);
	snprintf(spec, sizeof(spec), "dir /d 0750 1 2\nfile /d/f %s 0644 0 0\n"
		 "slink /d/l f 0777 0 0\nnod /d/n 0600 0 0 b 8 1\n", src);
	a = build(spec, 1234, &len);
	unlink(src);
	assert_int_equal(len % 512, 0);
	assert_memory_equal(a, "070701", 6);
	assert_int_equal(cpio_walk(a, len, collect, &s, &err), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.names[0], "d");
	assert_int_equal(s.modes[0], 040750);
	assert_string_equal(s.names[1], "d/f");
	assert_int_equal(s.modes[1], 0100644);
	assert_string_equal(s.data[1], "abcde");
	assert_string_equal(s.data[2], "f");
	assert_int_equal(s.modes[2], 0120777);
	assert_int_equal(s.modes[3], 060600);
	free(a);
}

/* gzip, one member per call, as gzip -n would. */
static uint8_t *gz(const uint8_t *in, size_t len, size_t *out_len)
{
	z_stream zs = { 0 };
	uint8_t *out = malloc(len + 1024);

	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (uint8_t *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)(len + 1024);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static void image_formats(void **state)
{
	struct seen s = { 0 };
	struct err err;
	size_t la, lb, lga, lgb, n;
	uint8_t *a = build("dir /a 0755 0 0\n", 0, &la);
	uint8_t *b = build("dir /b 0755 0 0\n", 0, &lb);
	uint8_t *ga = gz(a, la, &lga), *gb = gz(b, lb, &lgb);
	uint8_t *img = calloc(1, la + lga + lgb + 64), *out;

	(void)state;
	/* uncompressed, zero padding, gzip, gzip: as the kernel takes them */
	memcpy(img, a, la);
	memcpy(img + la + 16, ga, lga);
	memcpy(img + la + 16 + lga, gb, lgb);
	out = cpio_load_image(img, la + 16 + lga + lgb, 1 << 20, &n, &err);
	if (!out)
		fail_msg("%s", err.msg);
	/* the uncompressed one without its padding, the others whole */
	assert_true(n > la + lb && n < 2 * la + lb);
	assert_int_equal(cpio_walk(out, n, collect, &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[2], "b");
	free(out);

	/* too big for max */
	assert_null(cpio_load_image(ga, lga, 100, &n, &err));
	/* cut gzip */
	assert_null(cpio_load_image(ga, lga - 9, 1 << 20, &n, &err));
	/* other compressors are named */
	assert_null(cpio_load_image((const uint8_t *)"\xfd" "7zXZ\0", 6, 1 << 20, &n, &err));
	assert_non_null(strstr(err.msg, "xz"));
	assert_null(cpio_load_image((const uint8_t *)"\0\0\0\0", 4, 1 << 20, &n, &err));
	free(a);
	free(b);
	free(ga);
	free(gb);
	free(img);
}

static void damaged_archives(void **state)
{
	struct err err;
	size_t len;
	uint8_t *a = build("dir /abc 0755 0 0\n", 0, &len);
	uint8_t *c = malloc(len);

	(void)state;
	/* Every cut is an error or a clean stop, never a read past the end. */
	for (size_t cut = 1; cut < 240; cut++) {
		uint8_t *p = malloc(cut);

		memcpy(p, a, cut);
		cpio_walk(p, cut, NULL, NULL, &err);
		free(p);
	}
	memcpy(c, a, len);
	c[6 + 8 * 6] = 'g';	/* filesize not hex */
	assert_int_equal(cpio_walk(c, len, NULL, NULL, &err), -1);
	memcpy(c, a, len);
	memcpy(c + 6 + 8 * 6, "7fffffff", 8);	/* filesize beyond the buffer */
	assert_int_equal(cpio_walk(c, len, NULL, NULL, &err), -1);
	memcpy(c, a, len);
	memcpy(c + 6 + 8 * 11, "00000002", 8);	/* namesize without the NUL */
	assert_int_equal(cpio_walk(c, len, NULL, NULL, &err), -1);
	memcpy(c, a, len);
	c[0] = '1';
	assert_int_equal(cpio_walk(c, len, NULL, NULL, &err), -1);
	free(a);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_kinds),
		cmocka_unit_test(line_errors),
		cmocka_unit_test(whole_spec_checks),
		cmocka_unit_test(roundtrip),
		cmocka_unit_test(image_formats),
		cmocka_unit_test(damaged_archives),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
