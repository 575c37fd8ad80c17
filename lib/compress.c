/* Placeholder until the codecs land: only CODEC_NONE. */
#include <string.h>

#include "compress.h"

int codec_parse(const char *name, enum codec *out)
{
	if (strcmp(name, "none"))
		return -1;
	*out = CODEC_NONE;
	return 0;
}

const char *codec_name(enum codec c)
{
	return c == CODEC_NONE ? "none" : "?";
}

int codec_available(enum codec c)
{
	return c == CODEC_NONE;
}

uint32_t codec_kdump_flag(enum codec c)
{
	(void)c;
	return 0;
}

int codec_from_kdump_flag(uint32_t flags, enum codec *out)
{
	if (flags)
		return -1;
	*out = CODEC_NONE;
	return 0;
}

size_t codec_bound(enum codec c, size_t len)
{
	(void)c;
	return len;
}

struct codec_ctx *codec_ctx_new(enum codec c, int level)
{
	static char dummy;

	(void)c, (void)level;
	return (struct codec_ctx *)&dummy;
}

void codec_ctx_free(struct codec_ctx *ctx)
{
	(void)ctx;
}

ssize_t codec_compress(struct codec_ctx *ctx, const void *in, size_t len, void *out, size_t outcap)
{
	(void)ctx, (void)in, (void)len, (void)out, (void)outcap;
	return 0;
}

int codec_decompress(enum codec c, const void *in, size_t inlen, void *out, size_t outlen)
{
	(void)c, (void)in, (void)inlen, (void)out, (void)outlen;
	return -1;
}
