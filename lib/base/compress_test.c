/* The page codecs: every codec built in round-trips typical pages, says
 * "no gain" for pages that do not compress, and refuses damaged data
 * without touching memory outside the buffers it was given (the libraries
 * are not built with sanitizers, so the buffers here end at a page the
 * process cannot read or write). Where an independent implementation is
 * installed (Python's zlib, python3-lzo, python3-snappy, the zstd tool),
 * it decompresses ours and we decompress its output. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/compress.h"
#include "base/kconfig.h"

#define PAGE 4096

static const enum codec all[] = { CODEC_NONE, CODEC_ZLIB, CODEC_LZO, CODEC_SNAPPY, CODEC_ZSTD };
#define NALL (sizeof(all) / sizeof(all[0]))

static unsigned char zero_page[PAGE], random_page[PAGE], text_page[PAGE], half_page[PAGE];

/* xorshift64: the same "random" page on every run and machine. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int setup_pages(void **state)
{
	static const char *words[] = { "kernel", "page", "dump", "zfcpdump ", "memory",
				       "crash", "s390x", "vmcore", " ", "\n", "0x7fff" };
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < PAGE; i++)
		random_page[i] = (unsigned char)next_random();
	while (n < PAGE) {
		const char *w = words[next_random() % (sizeof(words) / sizeof(words[0]))];

		for (i = 0; w[i] && n < PAGE; i++)
			text_page[n++] = (unsigned char)w[i];
	}
	memcpy(half_page + PAGE / 2, random_page, PAGE / 2);
	return 0;
}

/* A buffer of len bytes that ends where an inaccessible page begins:
 * reading or writing one byte past it kills the test. */
struct guarded {
	unsigned char *map, *p;
	size_t maplen;
};

static unsigned char *guard(struct guarded *g, const void *data, size_t len)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), span = (len + ps - 1) / ps * ps;

	g->maplen = span + ps;
	g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(g->map != MAP_FAILED);
	assert_int_equal(mprotect(g->map + span, ps, PROT_NONE), 0);
	g->p = g->map + span - len;
	if (data)
		memcpy(g->p, data, len);
	else
		memset(g->p, 0xaa, len);
	return g->p;
}

static void unguard(struct guarded *g)
{
	munmap(g->map, g->maplen);
}

/* Decompress with both buffers guarded. */
static int decompress(enum codec c, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct guarded gi, go;
	int rc;

	guard(&gi, in, inlen);
	guard(&go, NULL, outlen);
	rc = codec_decompress(c, gi.p, inlen, go.p, outlen);
	if (out && outlen)
		memcpy(out, go.p, outlen);
	unguard(&gi);
	unguard(&go);
	return rc;
}

/* The compressed form of page, in buf (codec_bound bytes); its size. */
static size_t compress_page(enum codec c, int level, const unsigned char *page,
			    unsigned char *buf, size_t cap)
{
	struct codec_ctx *ctx = codec_ctx_new(c, level);
	ssize_t n;

	assert_non_null(ctx);
	assert_true(codec_bound(c, PAGE) <= cap);
	n = codec_compress(ctx, page, PAGE, buf, cap);
	codec_ctx_free(ctx);
	assert_true(n > 0 && n < PAGE);
	return (size_t)n;
}

#define BUFCAP (2 * PAGE)

static void round_trips(void **state)
{
	const unsigned char *pages[] = { zero_page, text_page, half_page };
	unsigned char buf[BUFCAP], back[PAGE];
	int tested = 0;

	(void)state;
	for (size_t i = 1; i < NALL; i++) {
		if (!codec_available(all[i]))
			continue;
		for (size_t j = 0; j < sizeof(pages) / sizeof(pages[0]); j++) {
			size_t n = compress_page(all[i], 0, pages[j], buf, sizeof(buf));

			memset(back, 0x55, sizeof(back));
			assert_int_equal(decompress(all[i], buf, n, back, PAGE), 0);
			assert_memory_equal(back, pages[j], PAGE);
		}
		tested++;
	}
	assert_true(tested >= 1);	/* zlib is always there */
}

/* One context compresses page after page: no state leaks between them. */
static void context_is_reusable(void **state)
{
	unsigned char buf[BUFCAP], back[PAGE];

	(void)state;
	for (size_t i = 1; i < NALL; i++) {
		struct codec_ctx *ctx;

		if (!codec_available(all[i]))
			continue;
		ctx = codec_ctx_new(all[i], 0);
		assert_non_null(ctx);
		for (int k = 0; k < 3; k++) {
			const unsigned char *p = k == 1 ? half_page : text_page;
			ssize_t n = codec_compress(ctx, p, PAGE, buf, sizeof(buf));

			assert_true(n > 0);
			assert_int_equal(decompress(all[i], buf, (size_t)n, back, PAGE), 0);
			assert_memory_equal(back, p, PAGE);
		}
		codec_ctx_free(ctx);
	}
}

static void incompressible_page_is_stored(void **state)
{
	unsigned char buf[BUFCAP];

	(void)state;
	for (size_t i = 0; i < NALL; i++) {
		struct codec_ctx *ctx;

		if (!codec_available(all[i]))
			continue;
		ctx = codec_ctx_new(all[i], 0);
		assert_non_null(ctx);
		assert_int_equal(codec_compress(ctx, random_page, PAGE, buf, sizeof(buf)), 0);
		if (all[i] != CODEC_NONE)	/* but it compresses what does */
			assert_true(codec_compress(ctx, zero_page, PAGE, buf, sizeof(buf)) > 0);
		codec_ctx_free(ctx);
	}
}

/* Room for less than the worst case is refused, never overrun. */
static void short_output_buffer_is_refused(void **state)
{
	unsigned char buf[BUFCAP];

	(void)state;
	for (size_t i = 1; i < NALL; i++) {
		struct codec_ctx *ctx;

		if (!codec_available(all[i]))
			continue;
		ctx = codec_ctx_new(all[i], 0);
		assert_true(codec_bound(all[i], PAGE) >= PAGE);
		assert_int_equal(codec_compress(ctx, text_page, PAGE, buf, codec_bound(all[i], PAGE) - 1), -1);
		codec_ctx_free(ctx);
	}
}

static void truncated_extended_and_wrong_length_fail(void **state)
{
	unsigned char buf[BUFCAP + 1], out[2 * PAGE];

	(void)state;
	for (size_t i = 1; i < NALL; i++) {
		enum codec c = all[i];
		size_t n;

		if (!codec_available(c))
			continue;
		n = compress_page(c, 0, text_page, buf, BUFCAP);
		for (size_t len = 0; len < n; len++)
			assert_int_equal(decompress(c, buf, len, out, PAGE), -1);
		/* A byte after the stream is damage too. */
		buf[n] = 0;
		assert_int_equal(decompress(c, buf, n + 1, out, PAGE), -1);
		/* Exactly the length asked for, not a byte more or less. */
		assert_int_equal(decompress(c, buf, n, out, PAGE - 1), -1);
		assert_int_equal(decompress(c, buf, n, out, PAGE / 2), -1);
		assert_int_equal(decompress(c, buf, n, out, PAGE + 1), -1);
		assert_int_equal(decompress(c, buf, n, out, 2 * PAGE), -1);
		assert_int_equal(decompress(c, buf, n, out, 0), -1);
		assert_int_equal(decompress(c, buf, n, out, PAGE), 0);
	}
}

/* Every byte of the stream flipped in turn. zlib has a checksum: what it
 * accepts is the page itself (a flip that changes nothing decoded, such
 * as in the padding bits after the last block). The others may decode to
 * other bytes of the right length, but must never fail any other way. */
static void corrupt_data_fails_cleanly(void **state)
{
	unsigned char buf[BUFCAP], out[PAGE];

	(void)state;
	for (size_t i = 1; i < NALL; i++) {
		enum codec c = all[i];
		size_t n, caught = 0;

		if (!codec_available(c))
			continue;
		n = compress_page(c, 0, text_page, buf, sizeof(buf));
		for (size_t k = 0; k < n; k++) {
			int rc;

			buf[k] ^= 0x5a;
			rc = decompress(c, buf, n, out, PAGE);
			buf[k] ^= 0x5a;
			assert_true(rc == 0 || rc == -1);
			caught += rc == -1;
			if (c == CODEC_ZLIB && rc == 0)
				assert_memory_equal(out, text_page, PAGE);
		}
		if (c == CODEC_ZLIB)
			assert_true(caught >= n - n / 50);
		/* Bytes that are not a stream at all. */
		assert_int_equal(decompress(c, random_page, 300, out, PAGE), -1);
		assert_int_equal(decompress(c, zero_page, 300, out, PAGE), -1);
	}
}

static void none_copies_only_whole_pages(void **state)
{
	unsigned char out[PAGE];
	struct codec_ctx *ctx = codec_ctx_new(CODEC_NONE, 0);

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(codec_compress(ctx, text_page, PAGE, out, PAGE), 0);
	codec_ctx_free(ctx);
	assert_int_equal(codec_bound(CODEC_NONE, PAGE), PAGE);
	assert_int_equal(decompress(CODEC_NONE, text_page, PAGE, out, PAGE), 0);
	assert_memory_equal(out, text_page, PAGE);
	assert_int_equal(decompress(CODEC_NONE, text_page, PAGE - 1, out, PAGE), -1);
}

static void names(void **state)
{
	static const char *names[] = { "none", "zlib", "lzo", "snappy", "zstd" };
	enum codec c;

	(void)state;
	for (size_t i = 0; i < NALL; i++) {
		assert_int_equal(codec_parse(names[i], &c), 0);
		assert_int_equal(c, all[i]);
		assert_string_equal(codec_name(all[i]), names[i]);
	}
	assert_int_equal(codec_parse("gzip", &c), -1);
	assert_int_equal(codec_parse("", &c), -1);
	assert_int_equal(codec_parse("ZLIB", &c), -1);
	assert_int_equal(codec_parse("zlib ", &c), -1);
}

static void configuration_and_levels(void **state)
{
	unsigned char buf[BUFCAP];
	size_t fast, best;

	(void)state;
	assert_true(codec_available(CODEC_NONE));
	assert_true(codec_available(CODEC_ZLIB));
	assert_int_equal(codec_available(CODEC_LZO), IS_ENABLED(CONFIG_CODEC_LZO));
	assert_int_equal(codec_available(CODEC_SNAPPY), IS_ENABLED(CONFIG_CODEC_SNAPPY));
	assert_int_equal(codec_available(CODEC_ZSTD), IS_ENABLED(CONFIG_CODEC_ZSTD));
	for (size_t i = 0; i < NALL; i++)
		if (!codec_available(all[i])) {
			errno = 0;
			assert_null(codec_ctx_new(all[i], 0));
			assert_int_equal(errno, ENOSYS);
		}

	fast = compress_page(CODEC_ZLIB, 0, text_page, buf, sizeof(buf));
	best = compress_page(CODEC_ZLIB, 9, text_page, buf, sizeof(buf));
	assert_true(best <= fast);
	errno = 0;
	assert_null(codec_ctx_new(CODEC_ZLIB, 10));
	assert_int_equal(errno, EINVAL);
	assert_null(codec_ctx_new(CODEC_ZLIB, -1));
	assert_null(codec_ctx_new(CODEC_NONE, 1));
	if (codec_available(CODEC_LZO))
		assert_null(codec_ctx_new(CODEC_LZO, 9));
	if (codec_available(CODEC_SNAPPY))
		assert_null(codec_ctx_new(CODEC_SNAPPY, 1));
	if (codec_available(CODEC_ZSTD)) {
		fast = compress_page(CODEC_ZSTD, 0, text_page, buf, sizeof(buf));
		best = compress_page(CODEC_ZSTD, 19, text_page, buf, sizeof(buf));
		assert_true(best <= fast);
		compress_page(CODEC_ZSTD, -5, text_page, buf, sizeof(buf));
		assert_null(codec_ctx_new(CODEC_ZSTD, 1000));
	}
}

/* ---- independent implementations ----------------------------------- */

/* Python turns files in0, in1, ... into out0, out1, ...: decompressing
 * (d) or compressing (c) the codec's raw stream. */
static const char oracle_py[] =
	"import sys\n"
	"codec, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
	"if codec == 'zlib':\n"
	"    import zlib\n"
	"    f = zlib.decompress if mode == 'd' else lambda b: zlib.compress(b, 6)\n"
	"elif codec == 'lzo':\n"
	"    import lzo\n"
	"    f = (lambda b: lzo.decompress(b, False, 4096)) if mode == 'd' else (lambda b: lzo.compress(b, 1, False))\n"
	"elif codec == 'snappy':\n"
	"    import snappy\n"
	"    f = snappy.uncompress if mode == 'd' else snappy.compress\n"
	"for i in range(n):\n"
	"    open('out%d' % i, 'wb').write(f(open('in%d' % i, 'rb').read()))\n";

static char tmpdir[64];

static int oracle_setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/compress_test.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int oracle_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* tmpdir/NAME<i>, or tmpdir/NAME for i < 0 */
static void write_file(const char *name, int i, const void *data, size_t len)
{
	char path[128];
	FILE *f;

	if (i < 0)
		snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	else
		snprintf(path, sizeof(path), "%s/%s%d", tmpdir, name, i);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static size_t read_file(const char *name, int i, void *data, size_t cap)
{
	char path[128];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s%d", tmpdir, name, i);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(data, 1, cap, f);
	assert_false(ferror(f));
	assert_int_equal(fclose(f), 0);
	return n;
}

/* Run the independent implementation of c over files in0..in<n-1>; 1 when
 * it is not installed here. */
static int oracle(enum codec c, char mode, int n)
{
	static const char *mods[] = { [CODEC_ZLIB] = "zlib", [CODEC_LZO] = "lzo",
				      [CODEC_SNAPPY] = "snappy" };
	char cmd[256];

	if (c == CODEC_ZSTD) {
		if (system("zstd --version >/dev/null 2>&1") != 0)
			return 1;
		/* The tool writes the content size (its input is a file),
		 * as our strict reader wants, and a checksum, which it
		 * checks when it decompresses. */
		for (int i = 0; i < n; i++) {
			snprintf(cmd, sizeof(cmd), "cd %s && zstd -q -f %s in%d -o out%d",
				 tmpdir, mode == 'd' ? "-d --format=zstd" : "-1", i, i);
			assert_int_equal(system(cmd), 0);
		}
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c 'import %s' 2>/dev/null", mods[c]);
	if (system(cmd) != 0)
		return 1;
	write_file("oracle.py", -1, oracle_py, strlen(oracle_py));
	snprintf(cmd, sizeof(cmd), "cd %s && /usr/bin/python3 oracle.py %s %c %d", tmpdir, mods[c], mode, n);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void oracles_read_ours_and_we_read_theirs(void **state)
{
	const unsigned char *pages[] = { zero_page, text_page, half_page };
	const int npages = sizeof(pages) / sizeof(pages[0]);
	unsigned char buf[BUFCAP] = { 0 }, back[PAGE + 1];
	int checked = 0;

	(void)state;
	for (size_t i = 1; i < NALL; i++) {
		enum codec c = all[i];

		if (!codec_available(c))
			continue;
		/* theirs decompresses ours */
		for (int j = 0; j < npages; j++)
			write_file("in", j, buf, compress_page(c, 0, pages[j], buf, sizeof(buf)));
		if (oracle(c, 'd', npages))
			continue;
		for (int j = 0; j < npages; j++) {
			assert_int_equal(read_file("out", j, back, sizeof(back)), PAGE);
			assert_memory_equal(back, pages[j], PAGE);
		}
		/* ours decompresses theirs */
		for (int j = 0; j < npages; j++)
			write_file("in", j, pages[j], PAGE);
		assert_int_equal(oracle(c, 'c', npages), 0);
		for (int j = 0; j < npages; j++) {
			size_t n = read_file("out", j, buf, sizeof(buf));

			assert_true(n > 0 && n < sizeof(buf));
			assert_int_equal(decompress(c, buf, n, back, PAGE), 0);
			assert_memory_equal(back, pages[j], PAGE);
		}
		checked++;
	}
	if (!checked)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
		cmocka_unit_test(context_is_reusable),
		cmocka_unit_test(incompressible_page_is_stored),
		cmocka_unit_test(short_output_buffer_is_refused),
		cmocka_unit_test(truncated_extended_and_wrong_length_fail),
		cmocka_unit_test(corrupt_data_fails_cleanly),
		cmocka_unit_test(none_copies_only_whole_pages),
		cmocka_unit_test(names),
		cmocka_unit_test(configuration_and_levels),
		cmocka_unit_test_setup_teardown(oracles_read_ours_and_we_read_theirs,
						oracle_setup, oracle_teardown),
	};

	return cmocka_run_group_tests(tests, setup_pages, NULL);
}
