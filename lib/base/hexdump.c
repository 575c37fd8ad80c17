/* hexdump -C output (base/hexdump.h). */
#include <inttypes.h>
#include <string.h>

#include "base/hexdump.h"

void hexdump_init(struct hexdump *h, FILE *out)
{
	memset(h, 0, sizeof(*h));
	h->out = out;
}

void hexdump_line(struct hexdump *h, const unsigned char *b, size_t n)
{
	FILE *out = h->out;

	if (n > 16)
		n = 16;
	if (n == 16 && h->have_prev && memcmp(b, h->prev, 16) == 0) {
		if (!h->squeezing)
			fputs("*\n", out);
		h->squeezing = 1;
	} else {
		h->squeezing = 0;
		fprintf(out, "%08" PRIx64 " ", h->off);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				fputc(' ', out);
			if (i < n)
				fprintf(out, " %02x", b[i]);
			else
				fputs("   ", out);
		}
		fputs("  |", out);
		for (size_t i = 0; i < n; i++)
			fputc(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.', out);
		fputs("|\n", out);
	}
	memcpy(h->prev, b, n);
	h->have_prev = n == 16;
	h->off += n;
}

void hexdump_end(struct hexdump *h)
{
	if (h->off)
		fprintf(h->out, "%08" PRIx64 "\n", h->off);
}
