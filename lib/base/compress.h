/* Page compression for the kdump-compressed format: thin wrappers over
 * Debian's zlib, lzo2, zstd and snappy libraries (no codec of our own).
 * A page is stored compressed only when that is smaller than the page,
 * so codec_compress() says "no gain" as well as "done". */
#ifndef DUMPBOX_COMPRESS_H
#define DUMPBOX_COMPRESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

enum codec {
	CODEC_NONE = 0,
	CODEC_ZLIB,
	CODEC_LZO,
	CODEC_SNAPPY,
	CODEC_ZSTD,
};

/* "none", "zlib", "lzo", "snappy", "zstd" <-> enum; -1 for an unknown
 * name. */
int codec_parse(const char *name, enum codec *out);
const char *codec_name(enum codec c);

/* Built into this binary (Kconfig)? CODEC_NONE always is. */
int codec_available(enum codec c);

/* The codec NAME asks for (NULL: the default, zstd when built in, else
 * zlib), with its level: "zstd:3", "zstd:-5", "zlib:6" (none: 0, the
 * codec's default). 0, or -1 for an unknown name, one not built in or a
 * level the codec does not have, with e (EXIT_USAGE) saying so in words
 * that follow the setting's name: "compress takes zstd, ..." ("--" or
 * "dumpbox." is the caller's). */
int codec_choose(const char *name, enum codec *out, int *level, struct err *e);

/* Worst-case compressed size of len bytes. */
size_t codec_bound(enum codec c, size_t len);

/* Per-thread compression state (zstd's context, lzo's work memory). */
struct codec_ctx;
/* level 0: the default (zlib 1, as makedumpfile -c; zstd 1); zlib takes
 * 1..9, zstd its own range, lzo and snappy only 0. NULL with errno
 * ENOSYS (not built in), EINVAL (level), ENOTSUP (the library failed
 * its self-test: Debian's s390x libsnappy) or ENOMEM. */
struct codec_ctx *codec_ctx_new(enum codec c, int level);
void codec_ctx_free(struct codec_ctx *ctx);

/* Compress in[0..len) into out (outcap >= codec_bound()). Returns the
 * compressed size, or 0 when it would not be smaller than len (store the
 * page as it is), or -1 on a library error. */
ssize_t codec_compress(struct codec_ctx *ctx, const void *in, size_t len,
		       void *out, size_t outcap);

/* Decompress exactly outlen bytes. 0, or -1 when the data is corrupt or
 * decompresses to any other length. Needs no context; never reads past
 * in[inlen) or writes past out[outlen). */
int codec_decompress(enum codec c, const void *in, size_t inlen, void *out, size_t outlen);

#endif
