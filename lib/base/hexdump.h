/* hexdump -C's format: offset, 16 bytes in two groups, the printable
 * ones; a run of lines equal to the one before is one "*"; the last line
 * is the length (hexdump_end). */
#ifndef DUMPBOX_HEXDUMP_H
#define DUMPBOX_HEXDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct hexdump {
	FILE *out;
	uint64_t off;		/* of the next line, from the first byte */
	unsigned char prev[16];
	int have_prev, squeezing;
};

void hexdump_init(struct hexdump *h, FILE *out);
/* One line: n bytes, at most 16 (fewer only for the last line). */
void hexdump_line(struct hexdump *h, const unsigned char *b, size_t n);
/* The closing length line, after at least one byte. */
void hexdump_end(struct hexdump *h);

#endif
