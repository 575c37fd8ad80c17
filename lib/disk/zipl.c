/* The zipl SCSI dump layout. Written from s390-tools' description of it
 * (include/boot/boot_defs.h, zipl/src/bootmap.c, zdump/dt_scsi.c; MIT
 * licensed, read, not copied); Debian's zgetdump under qemu-s390x-static
 * is the oracle in tests/slow/diskprep-zgetdump.test. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/diskio.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "base/fields.h"
#include "disk/zipl.h"

#define BOOTMAP_HEADER "zSeries bootmap file\ncreated by zIPL\n"
#define PROGRAM_TABLE_SIZE 512
#define BLOCKPTR_SIZE 16
#define COMPONENT_SIZE 32
#define COMPONENT_LOAD 0x02
#define COMPONENT_EXECUTE 0x01
#define COMPONENT_HEADER_DUMP 0x01
#define PSW_LOAD 0x0008000080000000ull
#define IMAGE_ENTRY 0x10000ull
#define STAGE3_ENTRY 0xa000ull
#define STAGE3_PARAMS_ADDRESS 0x9000ull
#define STAGE3_HEAP_ADDRESS 0x2000ull
#define STAGE3_HEAP_SIZE 0x4000ull
#define STAGE3_STACK_ADDRESS 0xf000ull
#define STAGE3_STACK_SIZE 0x1000ull
#define STAGE3_FLAG_SCSI 0x0001000000000000ull
#define MAX_LINK 65535u		/* blocks one SCSI block pointer may cover */
#define ZERO_HEAD (64 * 1024)	/* zipl clears this much of the partition */

uint32_t zipl_cksm(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	while (len) {
		uint8_t w[4] = { 0, 0, 0, 0 };
		size_t n = len < 4 ? len : 4;

		memcpy(w, p, n);
		s += get_be32(w);
		s = (s & 0xffffffffu) + (s >> 32);
		p += n;
		len -= n;
	}
	return (uint32_t)s;
}

void zipl_sb_decode(struct zipl_sb *sb, const uint8_t *b)
{
	uint64_t *f[] = { &sb->magic, &sb->version, &sb->part_start, &sb->part_size,
			  &sb->dump_offset, &sb->dump_size, &sb->csum_offset,
			  &sb->csum_size, &sb->csum };

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		*f[i] = get_be64(b + 8 * i);
}

void zipl_sb_encode(uint8_t *b, const struct zipl_sb *sb)
{
	const uint64_t f[] = { sb->magic, sb->version, sb->part_start, sb->part_size,
			       sb->dump_offset, sb->dump_size, sb->csum_offset,
			       sb->csum_size, sb->csum };

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		put_be64(b + 8 * i, f[i]);
}

/* ---- our extension record (little-endian, as all our own records) ---- */

#define EXT_MAGIC "DBXZIPL\0"

int zipl_ext_decode(struct zipl_ext *e, const uint8_t *b)
{
	memset(e, 0, sizeof(*e));
	if (memcmp(b, EXT_MAGIC, 8) != 0)
		return -1;
	if ((uint32_t)crc32(0, b, ZIPL_EXT_SIZE - 4) != get_le32(b + ZIPL_EXT_SIZE - 4))
		return -1;
	e->version = get_le32(b + 8);
	if (e->version != 1)
		return -1;
	fields_decode(e, zipl_ext_fields, zipl_ext_nfields, b);
	return 0;
}

/* The record: magic at 0, version 1 at 8, the CRC32 of the rest in its
 * last 4 bytes (docs/FORMAT.md). */
#define EXT_U32(at, m) FIELD_U32(at, struct zipl_ext, m)
#define EXT_U64(at, m) FIELD_U64(at, struct zipl_ext, m)
#define EXT_STR(at, w, m) FIELD_STR(at, w, struct zipl_ext, m)
const struct field zipl_ext_fields[] = {
	EXT_U32(12, state),		EXT_U32(16, flags),
	EXT_U32(20, format),		EXT_U64(24, bound_csum),
	EXT_U64(32, dump_bytes),	EXT_U64(40, dump_id),
	EXT_U64(48, crash_time),	EXT_U64(56, begin_time),
	EXT_U64(64, finish_time),	EXT_U64(72, log_offset),
	EXT_U32(80, log_size),		EXT_U32(84, data_crc),
	EXT_U32(88, data_crc_valid),
	EXT_STR(92, 65, kernel_release),
	EXT_STR(157, 32, writer),
	EXT_STR(189, 63, reason),
};
const size_t zipl_ext_nfields = ARRAY_SIZE(zipl_ext_fields);

void zipl_ext_encode(uint8_t *b, const struct zipl_ext *e)
{
	memset(b, 0, ZIPL_EXT_SIZE);
	memcpy(b, EXT_MAGIC, 8);
	put_le32(b + 8, 1);
	fields_encode(b, zipl_ext_fields, zipl_ext_nfields, e);
	put_le32(b + ZIPL_EXT_SIZE - 4, (uint32_t)crc32(0, b, ZIPL_EXT_SIZE - 4));
}

/* ---- reading ---------------------------------------------------------- */

static int classify_page0(const uint8_t *p)
{
	static const uint8_t zero[64];

	if (memcmp(p, "\x7f" "ELF", 4) == 0)
		return ZIPL_PAGE0_ELF;
	if (memcmp(p, ZIPL_BUSY_STRING, sizeof(ZIPL_BUSY_STRING) - 1) == 0)
		return ZIPL_PAGE0_BUSY;
	for (size_t i = 0; i < ZIPL_CSUM_SIZE; i += sizeof(zero))
		if (memcmp(p + i, zero, sizeof(zero)) != 0)
			return ZIPL_PAGE0_OTHER;
	return ZIPL_PAGE0_ZERO;
}

/* The program table must name a program whose component table says
 * "dump", as zgetdump checks. */
static int has_dump_program(int fd, uint64_t dev_size, uint32_t blk, uint64_t ptab)
{
	uint8_t tab[PROGRAM_TABLE_SIZE], hdr[COMPONENT_SIZE];

	if (ptab == 0 || ptab > (dev_size - PROGRAM_TABLE_SIZE) / blk ||
	    pread_full(fd, tab, sizeof(tab), ptab * blk, NULL) < 0 || memcmp(tab, "zIPL", 4) != 0)
		return 0;
	for (size_t i = 1; i < PROGRAM_TABLE_SIZE / BLOCKPTR_SIZE; i++) {
		uint64_t b = get_be64(tab + i * BLOCKPTR_SIZE);

		if (b == 0)
			break;
		if (b > (dev_size - COMPONENT_SIZE) / blk)
			continue;
		if (pread_full(fd, hdr, sizeof(hdr), b * blk, NULL) == 0 &&
		    memcmp(hdr, "zIPL", 4) == 0 && hdr[4] == COMPONENT_HEADER_DUMP)
			return 1;
	}
	return 0;
}

int zipl_probe(int fd, uint64_t dev_size, uint32_t blk, struct zipl_disk *z,
	       struct err *err)
{
	uint8_t mbr[512], sect[512], *page;
	const uint8_t *bi = mbr + ZIPL_BOOT_INFO_OFF;
	struct zipl_sb *sb = &z->sb;

	memset(z, 0, sizeof(*z));
	z->blk = blk;
	if (dev_size < sizeof(mbr) || pread_full(fd, mbr, sizeof(mbr), 0, NULL) < 0)
		return err_fail(err, EXIT_NOT_OURS, "too small for a boot record");
	if (memcmp(mbr, "zIPL", 4) != 0)
		return err_fail(err, EXIT_NOT_OURS, "no zIPL boot record");
	z->ptab_block = get_be64(mbr + 16);
	if (memcmp(bi, "zIPL", 4) != 0 || bi[6] != 0x02 || bi[5] != 0x01)
		return err_fail(err, EXIT_NOT_OURS,
			    "zIPL boot record, but not of a SCSI dump disk (an IPL disk?)");
	if (!has_dump_program(fd, dev_size, blk, z->ptab_block))
		return err_fail(err, EXIT_NOT_OURS,
			    "zIPL boot record without a dump program in its program table");
	z->sb_off = get_be64(bi + 8);
	if (z->sb_off % 512 || z->sb_off > dev_size - sizeof(sect))
		return err_fail(err, EXIT_DAMAGED,
			    "zipl dump superblock offset %" PRIu64 " is outside the disk", z->sb_off);
	if (pread_full(fd, sect, sizeof(sect), z->sb_off, NULL) < 0)
		return err_fail(err, EXIT_DAMAGED, "cannot read the zipl dump superblock: %s",
			    strerror(errno));
	zipl_sb_decode(sb, sect);
	if (sb->magic != ZIPL_SB_MAGIC)
		return err_fail(err, EXIT_DAMAGED, "zipl dump superblock has a wrong magic");
	if (sb->part_start > dev_size || sb->part_size > dev_size - sb->part_start ||
	    sb->part_start % 512)
		return err_fail(err, EXIT_DAMAGED,
			    "zipl dump partition (start %" PRIu64 ", size %" PRIu64
			    ") is outside the disk (%" PRIu64 " bytes)",
			    sb->part_start, sb->part_size, dev_size);
	if (sb->dump_offset > sb->part_size || sb->dump_size > sb->part_size - sb->dump_offset ||
	    sb->dump_size < ZIPL_CSUM_SIZE)
		return err_fail(err, EXIT_DAMAGED,
			    "zipl dump area (offset %" PRIu64 ", size %" PRIu64
			    ") does not fit its partition", sb->dump_offset, sb->dump_size);
	if (sb->csum_size == 0 || sb->csum_size > (1 << 20) ||
	    sb->csum_offset > sb->part_size || sb->csum_size > sb->part_size - sb->csum_offset)
		return err_fail(err, EXIT_DAMAGED,
			    "zipl checksum range (offset %" PRIu64 ", size %" PRIu64 ") is absurd",
			    sb->csum_offset, sb->csum_size);
	if (sb->csum >> 32)
		return err_fail(err, EXIT_DAMAGED, "zipl checksum has bits above 32");
	page = xmalloc(sb->csum_size > ZIPL_CSUM_SIZE ? sb->csum_size : ZIPL_CSUM_SIZE);
	if (pread_full(fd, page, sb->csum_size, sb->part_start + sb->csum_offset, NULL) < 0) {
		free(page);
		return err_fail(err, EXIT_DAMAGED, "cannot read the checksummed range: %s",
			    strerror(errno));
	}
	z->csum_now = zipl_cksm(page, sb->csum_size, ZIPL_CSUM_SEED);
	z->csum_ok = z->csum_now == sb->csum;
	if (pread_full(fd, page, ZIPL_CSUM_SIZE, sb->part_start + sb->dump_offset, NULL) < 0) {
		free(page);
		return err_fail(err, EXIT_DAMAGED, "cannot read the dump's first page: %s",
			    strerror(errno));
	}
	z->page0_kind = classify_page0(page);
	free(page);
	if (zipl_ext_decode(&z->ext, sect + ZIPL_EXT_OFF) == 0) {
		z->have_ext = 1;
		z->ext_bound = z->ext.bound_csum == z->csum_now && z->csum_ok;
		/* Our log area must lie in the partition, outside the dump. */
		if (z->ext.log_offset &&
		    (z->ext.log_offset < sb->part_start + sb->dump_offset + sb->dump_size ||
		     z->ext.log_offset > sb->part_start + sb->part_size ||
		     z->ext.log_size > sb->part_start + sb->part_size - z->ext.log_offset)) {
			z->ext.log_offset = 0;
			z->ext.log_size = 0;
		}
	}
	return 0;
}

int zipl_write_sb(int fd, struct zipl_disk *z, const uint8_t *page0,
		  const struct zipl_ext *ext)
{
	uint8_t sect[512];

	memset(sect, 0, sizeof(sect));
	z->sb.csum = zipl_cksm(page0, ZIPL_CSUM_SIZE, ZIPL_CSUM_SEED);
	zipl_sb_encode(sect, &z->sb);
	if (ext)
		zipl_ext_encode(sect + ZIPL_EXT_OFF, ext);
	if (disk_pwrite(fd, sect, sizeof(sect), z->sb_off) < 0)
		return -1;
	z->csum_now = (uint32_t)z->sb.csum;
	z->csum_ok = 1;
	if (ext) {
		z->ext = *ext;
		z->have_ext = 1;
		z->ext_bound = ext->bound_csum == z->sb.csum;
	}
	return 0;
}

/* ---- writing the layout ----------------------------------------------- */

/* The bootmap is built in memory block by block, twice: once to count the
 * blocks, once (with buf set and base known) to fill them. */
struct bootmap {
	uint8_t *buf;		/* NULL while counting */
	uint32_t blk;
	uint64_t base;		/* disk block number of the bootmap's block 0 */
	uint64_t next;		/* blocks used */
};

static uint64_t bm_alloc(struct bootmap *bm, uint64_t nblocks)
{
	uint64_t b = bm->next;

	bm->next += nblocks;
	return b;
}

static uint8_t *bm_block(struct bootmap *bm, uint64_t b)
{
	return bm->buf ? bm->buf + b * bm->blk : NULL;
}

static void put_blockptr(uint8_t *p, uint64_t block, uint32_t size, uint32_t count)
{
	memset(p, 0, BLOCKPTR_SIZE);
	put_be64(p, block);
	put_be16(p + 8, (uint16_t)size);
	put_be16(p + 10, (uint16_t)(count - 1));
}

/* A component's data, then its segment table(s): block pointers of up to
 * MAX_LINK contiguous blocks, the last slot of each table block pointing
 * to the next table block. Fills the component table entry. */
static void bm_component(struct bootmap *bm, uint8_t *entry, const void *data,
			 size_t len, uint64_t addr)
{
	uint64_t nblk = (len + bm->blk - 1) / bm->blk;
	uint64_t nptr = (nblk + MAX_LINK - 1) / MAX_LINK;
	uint64_t per = bm->blk / BLOCKPTR_SIZE - 1;
	uint64_t ntab = (nptr + per - 1) / per;
	uint64_t d = bm_alloc(bm, nblk), t = bm_alloc(bm, ntab);

	if (!bm->buf)
		return;
	if (len)
		memcpy(bm_block(bm, d), data, len);
	for (uint64_t i = 0; i < nptr; i++) {
		uint64_t first = i * MAX_LINK, n = nblk - first < MAX_LINK ? nblk - first : MAX_LINK;
		uint8_t *tab = bm_block(bm, t + i / per);

		put_blockptr(tab + (i % per) * BLOCKPTR_SIZE, bm->base + d + first, bm->blk,
			     (uint32_t)n);
	}
	for (uint64_t k = 0; k + 1 < ntab; k++)
		put_blockptr(bm_block(bm, t + k) + per * BLOCKPTR_SIZE, bm->base + t + k + 1,
			     bm->blk, 1);
	memset(entry, 0, COMPONENT_SIZE);
	put_blockptr(entry, bm->base + t, bm->blk, 1);
	entry[23] = COMPONENT_LOAD;
	put_be64(entry + 24, addr);
}

struct comp {
	const void *data;
	size_t len;
	uint64_t addr;
};

/* Returns the block of the superblock. */
static uint64_t bm_build(struct bootmap *bm, const struct comp *c, int nc, uint64_t psw,
			 uint64_t *ptab)
{
	uint8_t dummy[COMPONENT_SIZE];
	uint64_t hdr = bm_alloc(bm, 1), ctab, sb;
	uint8_t *table;

	bm_alloc(bm, 1);	/* the empty block zipl reads for file holes */
	if (bm->buf)
		memcpy(bm_block(bm, hdr), BOOTMAP_HEADER, sizeof(BOOTMAP_HEADER));
	uint64_t entries_at = bm->next;	/* components first, table after */

	for (int i = 0; i < nc; i++)
		bm_component(bm, dummy, c[i].data, c[i].len, c[i].addr);
	ctab = bm_alloc(bm, 1);
	*ptab = bm_alloc(bm, (PROGRAM_TABLE_SIZE + bm->blk - 1) / bm->blk);
	sb = bm_alloc(bm, 1);
	if (!bm->buf)
		return sb;
	/* Second walk over the components to fill the table, now that the
	 * blocks are placed: rewind and redo the allocation. */
	uint64_t end = bm->next;

	bm->next = entries_at;
	table = bm_block(bm, ctab);
	memcpy(table, "zIPL", 4);
	table[4] = COMPONENT_HEADER_DUMP;
	for (int i = 0; i < nc; i++)
		bm_component(bm, table + COMPONENT_SIZE * (i + 1), c[i].data, c[i].len, c[i].addr);
	uint8_t *x = table + COMPONENT_SIZE * (nc + 1);

	x[23] = COMPONENT_EXECUTE;
	put_be64(x + 24, psw);
	bm->next = end;
	uint8_t *pt = bm->buf + *ptab * bm->blk;

	memcpy(pt, "zIPL", 4);
	put_blockptr(pt + BLOCKPTR_SIZE, bm->base + ctab, bm->blk, 1);
	return sb;
}

/* What the dump tool loads: with a stage 3 loader (Linux's dump tool
 * on SCSI) its heap, stack, code and parameters first, then the kernel,
 * the parmline and the initrd. parm and params hold what the components
 * point to; returns how many there are, *psw where the IPL starts. */
static int zipl_components(const struct zipl_tool *tool, uint32_t partno, char *parm,
			   size_t parmlen, uint8_t params[64], struct comp c[8], uint64_t *psw)
{
	uint64_t image_end, parm_addr, rd_addr;
	int nc = 0;

	/* The parmline zipl writes for a dump partition; the partition
	 * number travels as dump_mem=, which zfcpdump reads. */
	snprintf(parm, parmlen, "%s%sroot=/dev/ram0 dump_mem=%u possible_cpus=1 "
		 "cgroup_disable=memory ", tool->parmline ? tool->parmline : "",
		 tool->parmline && *tool->parmline ? " " : "", partno);
	image_end = IMAGE_ENTRY + tool->kernel_len;
	parm_addr = (image_end + 0xfff) & ~0xfffull;
	rd_addr = (parm_addr + parmlen + 0xfffff) & ~0xfffffull;
	if (tool->stage3) {
		static uint8_t heap[STAGE3_HEAP_SIZE], stack[STAGE3_STACK_SIZE];

		memset(params, 0, 64);
		put_be64(params, parm_addr);
		put_be64(params + 8, tool->initrd ? rd_addr : 0);
		put_be64(params + 16, tool->initrd_len);
		put_be64(params + 24, IMAGE_ENTRY | PSW_LOAD);
		put_be64(params + 32, 0);
		put_be64(params + 40, STAGE3_FLAG_SCSI);
		put_be64(params + 48, tool->kernel_len);
		put_be64(params + 56, IMAGE_ENTRY);
		c[nc++] = (struct comp){ heap, sizeof(heap), STAGE3_HEAP_ADDRESS };
		c[nc++] = (struct comp){ stack, sizeof(stack), STAGE3_STACK_ADDRESS };
		c[nc++] = (struct comp){ tool->stage3, tool->stage3_len, STAGE3_ENTRY };
		c[nc++] = (struct comp){ params, 64, STAGE3_PARAMS_ADDRESS };
		*psw = STAGE3_ENTRY | PSW_LOAD;
	} else {
		*psw = IMAGE_ENTRY | PSW_LOAD;
	}
	c[nc++] = (struct comp){ tool->kernel, tool->kernel_len, IMAGE_ENTRY };
	c[nc++] = (struct comp){ parm, strlen(parm) + 1, parm_addr };
	if (tool->initrd)
		c[nc++] = (struct comp){ tool->initrd, tool->initrd_len, rd_addr };
	return nc;
}

/* The boot record: zipl's fields in the MBR's boot code area; the
 * partition table from byte 440 on stays as it is. */
static int zipl_write_boot_record(int fd, const struct zipl_disk *z, struct err *err)
{
	uint8_t mbr[512], *bi = mbr + ZIPL_BOOT_INFO_OFF;

	if (pread_full(fd, mbr, sizeof(mbr), 0, NULL) < 0)
		return err_ret(err, EXIT_DAMAGED, "cannot read the MBR: %s", strerror(errno));
	memset(mbr, 0, ZIPL_BOOT_INFO_OFF + 40);
	memcpy(mbr, "zIPL", 4);
	put_be32(mbr + 4, 1);
	put_blockptr(mbr + 16, z->ptab_block, z->blk, 1);
	memcpy(bi, "zIPL", 4);
	bi[4] = 1;		/* version */
	bi[5] = 1;		/* bp_type: dump */
	bi[6] = 2;		/* dev_type: SCSI */
	bi[7] = 1;		/* flags: 64-bit (what zipl on s390x sets) */
	put_be64(bi + 8, z->sb_off);
	if (pwrite_all(fd, mbr, sizeof(mbr), 0) < 0)
		return err_ret(err, EXIT_DAMAGED, "cannot write the zIPL boot record: %s",
			    strerror(errno));
	return 0;
}

int zipl_write_layout(int fd, uint32_t blk, uint64_t part_start, uint64_t part_size,
		      uint32_t partno, const struct zipl_tool *tool, uint32_t log_size,
		      struct zipl_disk *z, struct err *err)
{
	uint8_t params[64], *zero = NULL;
	char parm[896];
	struct comp c[8];
	int nc;
	uint64_t psw, sb_blk, ptab, tail, log_off;
	struct bootmap bm = { .buf = NULL, .blk = blk };
	int rc = -1;

	if (blk < 512 || blk > 4096 || (blk & (blk - 1)) || part_start % blk || part_size % blk)
		return err_ret(err, EXIT_DAMAGED, "unsupported block size %u", blk);
	if (blk * COMPONENT_SIZE < COMPONENT_SIZE * 10)
		return err_ret(err, EXIT_DAMAGED, "block too small for the component table");
	nc = zipl_components(tool, partno, parm, sizeof(parm), params, c, &psw);

	/* Built once to learn its size, then where it goes. */
	bm_build(&bm, c, nc, psw, &ptab);
	/* Tail: the bootmap, then our log area, 4 KiB aligned. */
	log_size = (log_size + 4095) & ~4095u;
	uint64_t bm_bytes = (bm.next * blk + 4095) & ~4095ull;

	if (bm_bytes + log_size + 2 * ZERO_HEAD > part_size)
		return err_fail(err, -1,
			    "partition too small for the dump tool (%" PRIu64 " bytes needed)",
			    bm_bytes + log_size + 2 * ZERO_HEAD);
	tail = (part_size - bm_bytes - log_size) & ~4095ull;
	log_off = part_start + tail + bm_bytes;
	bm.base = (part_start + tail) / blk;
	bm.next = 0;
	bm.buf = xcalloc(1, bm_bytes);
	sb_blk = bm_build(&bm, c, nc, psw, &ptab);

	memset(z, 0, sizeof(*z));
	z->blk = blk;
	z->ptab_block = bm.base + ptab;
	z->sb_off = (bm.base + sb_blk) * blk;
	z->sb = (struct zipl_sb){
		.magic = ZIPL_SB_MAGIC, .version = 1, .part_start = part_start,
		.part_size = part_size, .dump_offset = 0, .dump_size = tail,
		.csum_offset = 0, .csum_size = ZIPL_CSUM_SIZE,
	};
	/* The superblock goes out with the bootmap; zipl_write_sb rewrites
	 * its sector with the checksum and our record below. */
	zipl_sb_encode(bm_block(&bm, sb_blk), &z->sb);
	if (pwrite_all(fd, bm.buf, bm_bytes, part_start + tail) < 0) {
		err_ret(err, EXIT_DAMAGED, "cannot write the bootmap: %s", strerror(errno));
		goto out;
	}
	zero = xcalloc(1, ZERO_HEAD > log_size ? ZERO_HEAD : log_size);
	if (log_size && pwrite_all(fd, zero, log_size, log_off) < 0) {
		err_ret(err, EXIT_DAMAGED, "cannot clear the log area: %s", strerror(errno));
		goto out;
	}
	if (pwrite_all(fd, zero, ZERO_HEAD, part_start) < 0) {
		err_ret(err, EXIT_DAMAGED, "cannot clear the partition start: %s", strerror(errno));
		goto out;
	}
	struct zipl_ext ext = {
		.state = 1 /* DUMPDISK_EMPTY */, .log_offset = log_size ? log_off : 0,
		.log_size = log_size,
	};
	snprintf(ext.writer, sizeof(ext.writer), "dumpbox %s", DUMPBOX_VERSION);
	ext.bound_csum = zipl_cksm(zero, ZIPL_CSUM_SIZE, ZIPL_CSUM_SEED);
	if (zipl_write_sb(fd, z, zero, &ext) < 0) {
		err_ret(err, EXIT_DAMAGED, "cannot write the superblock: %s", strerror(errno));
		goto out;
	}
	if (zipl_write_boot_record(fd, z, err) < 0)
		goto out;
	z->page0_kind = ZIPL_PAGE0_ZERO;
	rc = 0;
out:
	free(bm.buf);
	free(zero);
	return rc;
}
