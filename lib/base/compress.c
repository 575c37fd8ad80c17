/* Page compression for the kdump-compressed format over Debian's zlib,
 * lzo2, zstd and snappy. Every codec's calls sit behind
 * IS_ENABLED(CONFIG_CODEC_X), so a codec left out of the configuration is
 * compiled (and type-checked) but never referenced, and its library is not
 * linked.
 *
 * Decompression is strict: a page's data must be exactly one stream of
 * the codec that decompresses to exactly the length asked for. Writers
 * (makedumpfile, QEMU, ours) store one stream per page, so anything else
 * is damage. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "base/compress.h"
#include "base/dumpbox.h"
#include "base/kconfig.h"

static const char *const codecs[] = {
	[CODEC_NONE] = "none",
	[CODEC_ZLIB] = "zlib",
	[CODEC_LZO] = "lzo",
	[CODEC_SNAPPY] = "snappy",
	[CODEC_ZSTD] = "zstd",
};
#define NCODECS (sizeof(codecs) / sizeof(codecs[0]))

int codec_parse(const char *name, enum codec *out)
{
	for (size_t i = 0; i < NCODECS; i++)
		if (!strcmp(name, codecs[i])) {
			*out = (enum codec)i;
			return 0;
		}
	return -1;
}

const char *codec_name(enum codec c)
{
	return (unsigned)c < NCODECS ? codecs[c] : "?";
}

int codec_available(enum codec c)
{
	/* zlib is always linked: crc32 needs it anyway. */
	static const int built[NCODECS] = {
		[CODEC_NONE] = 1,
		[CODEC_ZLIB] = 1,
		[CODEC_LZO] = IS_ENABLED(CONFIG_CODEC_LZO),
		[CODEC_SNAPPY] = IS_ENABLED(CONFIG_CODEC_SNAPPY),
		[CODEC_ZSTD] = IS_ENABLED(CONFIG_CODEC_ZSTD),
	};

	return (unsigned)c < NCODECS && built[c];
}

static int level_ok(enum codec c, int level)
{
	switch (c) {
	case CODEC_ZLIB:
		return level >= 1 && level <= 9;
	case CODEC_ZSTD:
		return IS_ENABLED(CONFIG_CODEC_ZSTD) &&
		       level >= ZSTD_minCLevel() && level <= ZSTD_maxCLevel();
	default:
		return 0;	/* lzo1x_1 and snappy have no levels */
	}
}

int codec_choose(const char *name, enum codec *out, int *level, struct err *e)
{
	char base[16];
	const char *colon = name ? strchr(name, ':') : NULL;
	long n = 0;

	*level = 0;
	if (!name) {
		*out = codec_available(CODEC_ZSTD) ? CODEC_ZSTD : CODEC_ZLIB;
		return 0;
	}
	snprintf(base, sizeof(base), "%.*s", colon ? (int)(colon - name) : (int)strlen(name), name);
	if (codec_parse(base, out) < 0)
		return err_ret(e, EXIT_USAGE, "compress takes zstd, lzo, zlib, snappy or none, "
			       "not '%s'", name);
	if (!codec_available(*out))
		return err_ret(e, EXIT_USAGE, "compress: %s is not built into this dumpbox", base);
	if (colon) {
		char *end;

		errno = 0;
		n = strtol(colon + 1, &end, 10);
		if (errno || end == colon + 1 || *end || n == 0 || !level_ok(*out, (int)n)) {
			if (*out == CODEC_ZLIB)
				return err_ret(e, EXIT_USAGE, "compress: zlib's level is 1-9, not "
					       "'%s'", colon + 1);
			if (IS_ENABLED(CONFIG_CODEC_ZSTD) && *out == CODEC_ZSTD)
				return err_ret(e, EXIT_USAGE, "compress: zstd's level is from %d to %d "
					       "(not 0), not '%s'", ZSTD_minCLevel(),
					       ZSTD_maxCLevel(), colon + 1);
			return err_ret(e, EXIT_USAGE, "compress: %s has no levels", base);
		}
		*level = (int)n;
	}
	return 0;
}

size_t codec_bound(enum codec c, size_t len)
{
	switch (c) {
	case CODEC_NONE:
		break;
	case CODEC_ZLIB:
		return compressBound(len);
	case CODEC_LZO:
		/* lzo1x's worst case, from its documentation (LZO.FAQ) */
		return len + len / 16 + 64 + 3;
	case CODEC_SNAPPY:
		if (IS_ENABLED(CONFIG_CODEC_SNAPPY))
			return snappy_max_compressed_length(len);
		break;
	case CODEC_ZSTD:
		if (IS_ENABLED(CONFIG_CODEC_ZSTD))
			return ZSTD_compressBound(len);
		break;
	}
	return len;
}

/* lzo_init() checks that the library was built for this ABI; once. */
static pthread_once_t lzo_once = PTHREAD_ONCE_INIT;
static int lzo_ok;

static void lzo_init_once(void)
{
	lzo_ok = lzo_init() == LZO_E_OK;
}

static int lzo_ready(void)
{
	return !pthread_once(&lzo_once, lzo_init_once) && lzo_ok;
}

/* Debian 12's libsnappy for s390x (1.1.9-3) was built without
 * SNAPPY_IS_BIG_ENDIAN: its compressor miscounts match lengths and writes
 * streams that decompress to other bytes (about half of real pages; its
 * decompressor is right). A dump written with it would be corrupt, so
 * snappy compresses nothing before it has round-tripped a page of text
 * that shows the bug. */
static pthread_once_t snappy_once = PTHREAD_ONCE_INIT;
static int snappy_ok;

static void snappy_selftest(void)
{
	static const char *const words[] = { "dump", "zfcpdump ", "kernel", "page",
					     "\n", "0x7fff", "memory", " " };
	size_t cap = snappy_max_compressed_length(4096), n = 0, clen = cap, dlen = 4096;
	char *page = malloc(4096), *back = malloc(4096), *out = malloc(cap);
	uint32_t x = 2463534242u;

	while (page && n < 4096) {
		const char *w;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		for (w = words[x % 8]; *w && n < 4096; w++)
			page[n++] = *w;
	}
	snappy_ok = page && back && out &&
		    snappy_compress(page, 4096, out, &clen) == SNAPPY_OK &&
		    snappy_uncompress(out, clen, back, &dlen) == SNAPPY_OK &&
		    dlen == 4096 && !memcmp(page, back, 4096);
	if (page && back && out && !snappy_ok)
		warnmsg("this libsnappy compresses wrongly (Debian's s390x build?): not using it");
	free(page);
	free(back);
	free(out);
}

struct codec_ctx {
	enum codec codec;
	int level;
	z_stream zs;		/* zlib: reset for every page, not rebuilt */
	ZSTD_CCtx *zstd;
	void *lzo_wrk;		/* LZO1X_1_MEM_COMPRESS bytes */
};

struct codec_ctx *codec_ctx_new(enum codec c, int level)
{
	struct codec_ctx *ctx;

	if (!codec_available(c)) {
		errno = ENOSYS;
		return NULL;
	}
	if (level && !level_ok(c, level)) {
		errno = EINVAL;
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->codec = c;
	/* zlib's level 1 is makedumpfile -c's. zstd's 1 can come out a
	 * fraction of a percent larger than that on a real vmcore; its 2
	 * is smaller at the same CPU cost (measured on 4 KiB pages). */
	ctx->level = level ? level : c == CODEC_ZSTD ? 2 : 1;
	switch (c) {
	case CODEC_NONE:
		break;
	case CODEC_ZLIB:
		if (deflateInit(&ctx->zs, ctx->level) != Z_OK)
			goto fail;
		break;
	case CODEC_LZO:
		if (IS_ENABLED(CONFIG_CODEC_LZO)) {
			if (!lzo_ready())
				goto fail;
			ctx->lzo_wrk = malloc(LZO1X_1_MEM_COMPRESS);
			if (!ctx->lzo_wrk)
				goto fail;
		}
		break;
	case CODEC_SNAPPY:
		if (IS_ENABLED(CONFIG_CODEC_SNAPPY) &&
		    (pthread_once(&snappy_once, snappy_selftest) || !snappy_ok)) {
			free(ctx);
			errno = ENOTSUP;
			return NULL;
		}
		break;
	case CODEC_ZSTD:
		if (IS_ENABLED(CONFIG_CODEC_ZSTD)) {
			ctx->zstd = ZSTD_createCCtx();
			if (!ctx->zstd)
				goto fail;
		}
		break;
	}
	return ctx;
fail:
	free(ctx);
	errno = ENOMEM;
	return NULL;
}

void codec_ctx_free(struct codec_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->codec == CODEC_ZLIB)
		deflateEnd(&ctx->zs);
	if (IS_ENABLED(CONFIG_CODEC_ZSTD))
		ZSTD_freeCCtx(ctx->zstd);
	free(ctx->lzo_wrk);
	free(ctx);
}

/* compress2() would set up and tear down 256 KiB of deflate state for
 * every page; a reset stream writes the same bytes. */
static ssize_t zlib_compress(struct codec_ctx *ctx, const void *in, size_t len,
			     void *out, size_t outcap)
{
	z_stream *zs = &ctx->zs;

	if (len > UINT_MAX || deflateReset(zs) != Z_OK)
		return -1;
	zs->next_in = (Bytef *)in;
	zs->avail_in = (uInt)len;
	zs->next_out = out;
	zs->avail_out = outcap > UINT_MAX ? UINT_MAX : (uInt)outcap;
	if (deflate(zs, Z_FINISH) != Z_STREAM_END)
		return -1;
	return (ssize_t)zs->total_out;
}

ssize_t codec_compress(struct codec_ctx *ctx, const void *in, size_t len,
		       void *out, size_t outcap)
{
	size_t n = 0;

	if (ctx->codec == CODEC_NONE)
		return 0;
	/* lzo1x writes without looking at the room it has: never less than
	 * the worst case, for any codec. */
	if (outcap < codec_bound(ctx->codec, len))
		return -1;
	switch (ctx->codec) {
	case CODEC_NONE:
		break;
	case CODEC_ZLIB: {
		ssize_t r = zlib_compress(ctx, in, len, out, outcap);

		if (r < 0)
			return -1;
		n = (size_t)r;
		break;
	}
	case CODEC_LZO:
		if (IS_ENABLED(CONFIG_CODEC_LZO)) {
			lzo_uint olen = outcap;

			if (lzo1x_1_compress(in, len, out, &olen, ctx->lzo_wrk) != LZO_E_OK)
				return -1;
			n = olen;
		}
		break;
	case CODEC_SNAPPY:
		if (IS_ENABLED(CONFIG_CODEC_SNAPPY)) {
			n = outcap;
			if (snappy_compress(in, len, out, &n) != SNAPPY_OK)
				return -1;
		}
		break;
	case CODEC_ZSTD:
		if (IS_ENABLED(CONFIG_CODEC_ZSTD)) {
			n = ZSTD_compressCCtx(ctx->zstd, out, outcap, in, len, ctx->level);
			if (ZSTD_isError(n))
				return -1;
		}
		break;
	}
	return n < len ? (ssize_t)n : 0;
}

/* A zstd decompression context holds ~100 KiB of tables: one a thread,
 * kept for its lifetime, instead of one a page. */
static pthread_once_t zstd_once = PTHREAD_ONCE_INIT;
static pthread_key_t zstd_key;
static int zstd_key_ok;

static void zstd_dctx_free(void *d)
{
	if (IS_ENABLED(CONFIG_CODEC_ZSTD))
		ZSTD_freeDCtx(d);
}

static void zstd_key_init(void)
{
	zstd_key_ok = !pthread_key_create(&zstd_key, zstd_dctx_free);
}

static ZSTD_DCtx *zstd_dctx(void)
{
	ZSTD_DCtx *d;

	if (pthread_once(&zstd_once, zstd_key_init) || !zstd_key_ok)
		return NULL;
	d = pthread_getspecific(zstd_key);
	if (!d) {
		d = ZSTD_createDCtx();
		if (d && pthread_setspecific(zstd_key, d)) {
			ZSTD_freeDCtx(d);
			d = NULL;
		}
	}
	return d;
}

static int zstd_decompress(const void *in, size_t inlen, void *out, size_t outlen)
{
	ZSTD_DCtx *d;
	size_t n;

	/* The frame header states the size: it must be the page's, and the
	 * frame must be all of the data. */
	if (ZSTD_getFrameContentSize(in, inlen) != (unsigned long long)outlen ||
	    ZSTD_findFrameCompressedSize(in, inlen) != inlen)
		return -1;
	d = zstd_dctx();
	if (!d)
		return -1;
	n = ZSTD_decompressDCtx(d, out, outlen, in, inlen);
	return !ZSTD_isError(n) && n == outlen ? 0 : -1;
}

int codec_decompress(enum codec c, const void *in, size_t inlen, void *out, size_t outlen)
{
	if (!outlen)
		return -1;
	switch (c) {
	case CODEC_NONE:
		if (inlen != outlen)
			return -1;
		memcpy(out, in, outlen);
		return 0;
	case CODEC_ZLIB: {
		uLongf dlen = outlen;
		uLong slen = inlen;

		/* Z_OK only for a whole stream whose checksum matches. */
		if (uncompress2(out, &dlen, in, &slen) != Z_OK)
			return -1;
		return dlen == outlen && slen == inlen ? 0 : -1;
	}
	case CODEC_LZO:
		if (IS_ENABLED(CONFIG_CODEC_LZO)) {
			lzo_uint n = outlen;

			/* LZO_E_OK only when all of in was used; the _safe
			 * decoder checks both buffers' bounds. */
			if (!lzo_ready() || lzo1x_decompress_safe(in, inlen, out, &n, NULL) != LZO_E_OK)
				return -1;
			return n == outlen ? 0 : -1;
		}
		break;
	case CODEC_SNAPPY:
		if (IS_ENABLED(CONFIG_CODEC_SNAPPY)) {
			size_t n;

			if (snappy_uncompressed_length(in, inlen, &n) != SNAPPY_OK || n != outlen)
				return -1;
			if (snappy_uncompress(in, inlen, out, &n) != SNAPPY_OK)
				return -1;
			return n == outlen ? 0 : -1;
		}
		break;
	case CODEC_ZSTD:
		if (IS_ENABLED(CONFIG_CODEC_ZSTD))
			return zstd_decompress(in, inlen, out, outlen);
		break;
	}
	return -1;
}
