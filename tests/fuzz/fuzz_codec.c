/* libFuzzer target: codec_decompress of every codec over any bytes, as a
 * kdump reader hands it a page's data from a damaged or hostile file.
 *
 * zlib, lzo, zstd and snappy are Debian's builds, instrumented neither for
 * AddressSanitizer nor for coverage. So the data and the output buffer end
 * where an inaccessible page begins (a read or write past either faults),
 * and, since libFuzzer cannot see which paths of a decoder an input
 * takes, a second mode hands the decoders streams that are valid but for
 * a few bytes, which random bytes almost never are.
 *
 * Input: a mode byte, then:
 *   mode & 0x40 clear: the data, given to every codec. Mode 0x80 | k asks
 *     for k * 64 + 1 bytes of output, others for a 4096-byte page. What
 *     decompresses is compressed again and must come back the same.
 *   mode & 0x40 set: codec (byte % 5), n (byte % 16), n times (offset u16
 *     little-endian, xor byte), then the text of a page (repeated to fill
 *     4096 bytes). The page is compressed, the n bytes of the result at
 *     offset % length are changed, and the result decompressed.
 * The seeds in tests/corpus/codec/ are pages compressed by each codec
 * (mode 0), and a few of the second mode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/compress.h"

#define MAXLEN (64 * 1024)
#define PAGE 4096

static const enum codec codecs[] = { CODEC_NONE, CODEC_ZLIB, CODEC_LZO,
				     CODEC_SNAPPY, CODEC_ZSTD };
#define NCODECS (sizeof(codecs) / sizeof(codecs[0]))

static unsigned char *in_end, *out_end, *back_end, *again;
static struct codec_ctx *ctx[NCODECS];

/* A buffer whose end touches an inaccessible page. */
static unsigned char *guarded(void)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, MAXLEN + ps, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + MAXLEN, ps, PROT_NONE))
		abort();
	return p + MAXLEN;
}

static struct codec_ctx *context(size_t i)
{
	if (!ctx[i] && !(ctx[i] = codec_ctx_new(codecs[i], 0)))
		abort();
	return ctx[i];
}

/* Compress outlen bytes at out; they must come back the same. */
static void round_trip(size_t i, const unsigned char *out, size_t outlen)
{
	ssize_t n;

	if (codec_bound(codecs[i], outlen) > 2 * MAXLEN)
		abort();
	n = codec_compress(context(i), out, outlen, again, 2 * MAXLEN);
	if (n < 0 || (size_t)n >= outlen)
		abort();	/* a library error, or "smaller" that is not */
	if (n == 0)
		return;		/* stored as it is: nothing to check */
	if (codec_decompress(codecs[i], again, (size_t)n, back_end - outlen, outlen) != 0 ||
	    memcmp(back_end - outlen, out, outlen) != 0)
		abort();
}

static void any_bytes(const uint8_t *data, size_t size)
{
	size_t inlen = size - 1, outlen;
	unsigned char *in = in_end - inlen, *out;

	outlen = data[0] & 0x80 ? (size_t)(data[0] & 0x7f) * 64 + 1 : PAGE;
	out = out_end - outlen;
	memcpy(in, data + 1, inlen);
	for (size_t i = 0; i < NCODECS; i++)
		if (codec_available(codecs[i]) &&
		    codec_decompress(codecs[i], in, inlen, out, outlen) == 0)
			round_trip(i, out, outlen);
}

static void damaged_stream(const uint8_t *data, size_t size)
{
	size_t i, nflips, textlen;
	const uint8_t *flips, *text;
	unsigned char *page = back_end - PAGE, *out = out_end - PAGE, *in;
	ssize_t n;
	int rc;

	if (size < 3)
		return;
	i = data[1] % NCODECS;
	nflips = data[2] % 16;
	if (size < 3 + 3 * nflips || !codec_available(codecs[i]))
		return;
	flips = data + 3;
	text = flips + 3 * nflips;
	textlen = size - 3 - 3 * nflips;
	for (size_t k = 0; k < PAGE; k++)
		page[k] = textlen ? text[k % textlen] : 0;
	n = codec_compress(context(i), page, PAGE, again, 2 * MAXLEN);
	if (n <= 0)
		return;
	in = in_end - n;
	memcpy(in, again, (size_t)n);
	for (size_t k = 0; k < nflips; k++) {
		size_t off = ((size_t)flips[3 * k] | (size_t)flips[3 * k + 1] << 8) % (size_t)n;

		in[off] ^= flips[3 * k + 2];
	}
	rc = codec_decompress(codecs[i], in, (size_t)n, out, PAGE);
	if (rc != 0 && rc != -1)
		abort();
	/* Unchanged (no flip, or flips that cancel), it must decode. */
	if (!memcmp(in, again, (size_t)n) && (rc != 0 || memcmp(out, page, PAGE)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!in_end) {
		in_end = guarded();
		out_end = guarded();
		back_end = guarded();
		again = malloc(2 * MAXLEN);
		if (!again)
			abort();
	}
	if (size < 1 || size - 1 > MAXLEN)
		return 0;
	if (data[0] & 0x40)
		damaged_stream(data, size);
	else
		any_bytes(data, size);
	return 0;
}
