/* The kdump-compressed headers and page descriptors, in either byte
 * order. Layout: include/linux/kdump headers of makedumpfile
 * (diskdump_mod.h), LP64. */
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "core/kdumpfmt.h"

static uint32_t get32(int be, const unsigned char *p)
{
	return be ? get_be32(p) : get_le32(p);
}

static uint64_t get64(int be, const unsigned char *p)
{
	return be ? get_be64(p) : get_le64(p);
}

static void put32(int be, unsigned char *p, uint32_t v)
{
	if (be)
		put_be32(p, v);
	else
		put_le32(p, v);
}

static void put64(int be, unsigned char *p, uint64_t v)
{
	if (be)
		put_be64(p, v);
	else
		put_le64(p, v);
}

static int plausible(const unsigned char *b, int be)
{
	uint32_t version = get32(be, b + 8), bs = get32(be, b + 428);

	return version >= 1 && version <= 64 && bs >= 512 && bs <= (1u << 20) && !(bs & (bs - 1));
}

int kdump_header_decode(struct kdump_header *h, const unsigned char *b, size_t len,
			struct err *err)
{
	int be;

	memset(h, 0, sizeof(*h));
	if (len < KDUMP_HEADER_SIZE || memcmp(b, KDUMP_SIGNATURE, 8) != 0) {
		return err_fail(err, EXIT_NOT_OURS, "no kdump-compressed signature");
	}
	/* The byte order is the dumped machine's and is written nowhere:
	 * a version and a block size make sense in only one of them. */
	if (plausible(b, 0))
		be = 0;
	else if (plausible(b, 1))
		be = 1;
	else {
		return err_fail(err, EXIT_DAMAGED,
				"kdump header: version %u / block size %u make no sense",
				get_le32(b + 8), get_le32(b + 428));
	}
	h->big_endian = be;
	h->header_version = (int32_t)get32(be, b + 8);
	for (int i = 0; i < 6; i++) {
		memcpy(h->utsname[i], b + 12 + i * KDUMP_UTS_LEN, KDUMP_UTS_LEN);
		h->utsname[i][KDUMP_UTS_LEN - 1] = '\0';
	}
	h->tv_sec = (int64_t)get64(be, b + 408);
	h->tv_usec = (int64_t)get64(be, b + 416);
	h->status = get32(be, b + 424);
	h->block_size = (int32_t)get32(be, b + 428);
	h->sub_hdr_size = (int32_t)get32(be, b + 432);
	h->bitmap_blocks = get32(be, b + 436);
	h->max_mapnr = get32(be, b + 440);
	h->total_ram_blocks = get32(be, b + 444);
	h->device_blocks = get32(be, b + 448);
	h->written_blocks = get32(be, b + 452);
	h->current_cpu = get32(be, b + 456);
	h->nr_cpus = (int32_t)get32(be, b + 460);
	return 0;
}

void kdump_subheader_decode(struct kdump_header *h, const unsigned char *s)
{
	int be = h->big_endian;

	h->phys_base = get64(be, s + 0);
	h->dump_level = (int32_t)get32(be, s + 8);
	h->split = (int32_t)get32(be, s + 12);
	h->start_pfn = get64(be, s + 16);
	h->end_pfn = get64(be, s + 24);
	h->offset_vmcoreinfo = get64(be, s + 32);
	h->size_vmcoreinfo = get64(be, s + 40);
	h->offset_note = get64(be, s + 48);
	h->size_note = get64(be, s + 56);
	h->offset_eraseinfo = get64(be, s + 64);
	h->size_eraseinfo = get64(be, s + 72);
	h->start_pfn_64 = get64(be, s + 80);
	h->end_pfn_64 = get64(be, s + 88);
	h->max_mapnr_64 = get64(be, s + 96);
}

void kdump_header_encode(const struct kdump_header *h, unsigned char *b)
{
	int be = h->big_endian;

	memset(b, 0, KDUMP_HEADER_SIZE);
	memcpy(b, KDUMP_SIGNATURE, 8);
	put32(be, b + 8, (uint32_t)h->header_version);
	for (int i = 0; i < 6; i++)
		memcpy(b + 12 + i * KDUMP_UTS_LEN, h->utsname[i],
		       strnlen(h->utsname[i], KDUMP_UTS_LEN - 1));
	put64(be, b + 408, (uint64_t)h->tv_sec);
	put64(be, b + 416, (uint64_t)h->tv_usec);
	put32(be, b + 424, h->status);
	put32(be, b + 428, (uint32_t)h->block_size);
	put32(be, b + 432, (uint32_t)h->sub_hdr_size);
	put32(be, b + 436, h->bitmap_blocks);
	put32(be, b + 440, h->max_mapnr);
	put32(be, b + 444, h->total_ram_blocks);
	put32(be, b + 448, h->device_blocks);
	put32(be, b + 452, h->written_blocks);
	put32(be, b + 456, h->current_cpu);
	put32(be, b + 460, (uint32_t)h->nr_cpus);
}

void kdump_subheader_encode(const struct kdump_header *h, unsigned char *s)
{
	int be = h->big_endian;

	memset(s, 0, KDUMP_SUBHEADER_SIZE);
	put64(be, s + 0, h->phys_base);
	put32(be, s + 8, (uint32_t)h->dump_level);
	put32(be, s + 12, (uint32_t)h->split);
	put64(be, s + 16, h->start_pfn);
	put64(be, s + 24, h->end_pfn);
	put64(be, s + 32, h->offset_vmcoreinfo);
	put64(be, s + 40, h->size_vmcoreinfo);
	put64(be, s + 48, h->offset_note);
	put64(be, s + 56, h->size_note);
	put64(be, s + 64, h->offset_eraseinfo);
	put64(be, s + 72, h->size_eraseinfo);
	put64(be, s + 80, h->start_pfn_64);
	put64(be, s + 88, h->end_pfn_64);
	put64(be, s + 96, h->max_mapnr_64);
}

void kdump_page_desc_decode(int be, struct kdump_page_desc *d, const unsigned char *p)
{
	d->offset = (int64_t)get64(be, p);
	d->size = get32(be, p + 8);
	d->flags = get32(be, p + 12);
	d->page_flags = get64(be, p + 16);
}

void kdump_page_desc_encode(int be, const struct kdump_page_desc *d, unsigned char *p)
{
	put64(be, p, (uint64_t)d->offset);
	put32(be, p + 8, d->size);
	put32(be, p + 12, d->flags);
	put64(be, p + 16, d->page_flags);
}

static const uint32_t codec_flags[] = {
	[CODEC_NONE] = 0,
	[CODEC_ZLIB] = KDUMP_PAGE_ZLIB,
	[CODEC_LZO] = KDUMP_PAGE_LZO,
	[CODEC_SNAPPY] = KDUMP_PAGE_SNAPPY,
	[CODEC_ZSTD] = KDUMP_PAGE_ZSTD,
};

uint32_t codec_kdump_flag(enum codec c)
{
	return (unsigned)c < ARRAY_SIZE(codec_flags) ? codec_flags[c] : 0;
}

int codec_from_kdump_flag(uint32_t flags, enum codec *out)
{
	flags &= KDUMP_PAGE_ZLIB | KDUMP_PAGE_LZO | KDUMP_PAGE_SNAPPY | KDUMP_PAGE_ZSTD;
	for (size_t i = 0; i < ARRAY_SIZE(codec_flags); i++)
		if (flags == codec_flags[i]) {
			*out = (enum codec)i;
			return 0;
		}
	return -1;
}
