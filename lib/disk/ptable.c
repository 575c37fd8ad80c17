/* GPT and DOS partition tables, and signature probing. Our own small
 * writer rather than libfdisk: Debian ships no static libfdisk and its
 * libblkid.a does not link with musl, and all we ever write is "one
 * partition over the whole disk". sfdisk and sgdisk are the oracles that
 * read back what we write (tests/diskprep.test). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "disk/ptable.h"

#define MIB (1024 * 1024ull)
#define GPT_ENTRIES 128
#define GPT_ENTRY_SIZE 128
#define GPT_HEADER_SIZE 92

/* d1bcae03-3498-4463-9b08-55046e5eb2c6, in GPT's on-disk order. */
const uint8_t ptable_dumpbox_type[16] = {
	0x03, 0xae, 0xbc, 0xd1, 0x98, 0x34, 0x63, 0x44,
	0x9b, 0x08, 0x55, 0x04, 0x6e, 0x5e, 0xb2, 0xc6,
};
/* 0fc63daf-8483-4772-8e79-3d69d8477de4 */
const uint8_t ptable_linux_type[16] = {
	0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
	0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4,
};

/* ---- UUIDs ------------------------------------------------------------ */

int random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
			int rc = fd < 0 ? -1 : pread_full(fd, p, len, 0, NULL);

			if (fd >= 0)
				close(fd);
			return rc < 0 ? -1 : 0;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int uuid_generate(uint8_t u[16])
{
	if (random_bytes(u, 16) < 0)
		return -1;
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
	return 0;
}

void uuid_format(const uint8_t u[16], char out[37])
{
	char *p = out;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		p += sprintf(p, "%02x", u[i]);
	}
}

void uuid_to_guid(const uint8_t u[16], uint8_t g[16])
{
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };

	for (int i = 0; i < 16; i++)
		g[i] = u[order[i]];
}

void guid_format(const uint8_t g[16], char out[37])
{
	uint8_t u[16];

	uuid_to_guid(g, u);	/* the swap is its own inverse */
	uuid_format(u, out);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int uuid_parse(const char *s, uint8_t u[16])
{
	int n = 0;

	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		int hi = hexval(s[i]), lo = hi < 0 ? -1 : hexval(s[i + 1]);

		if (lo < 0)
			return -1;
		u[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return s[36] == 0 ? 0 : -1;
}

/* ---- reading ---------------------------------------------------------- */

static int gpt_header_ok(const uint8_t *h, uint32_t sector, uint64_t lba,
			 uint64_t nsect)
{
	uint8_t copy[GPT_HEADER_SIZE];
	uint32_t hsize = get_le32(h + 12);

	if (memcmp(h, "EFI PART", 8) != 0 || hsize < GPT_HEADER_SIZE || hsize > sector)
		return 0;
	memcpy(copy, h, GPT_HEADER_SIZE);
	memset(copy + 16, 0, 4);
	/* The CRC covers header-size bytes; we only know the first 92. */
	uint32_t crc = (uint32_t)crc32(0, copy, GPT_HEADER_SIZE);

	if (hsize > GPT_HEADER_SIZE)
		crc = (uint32_t)crc32(crc, h + GPT_HEADER_SIZE, hsize - GPT_HEADER_SIZE);
	if (crc != get_le32(h + 16))
		return 0;
	if (get_le64(h + 24) != lba)
		return 0;
	uint32_t n = get_le32(h + 80), esz = get_le32(h + 84);
	uint64_t first = get_le64(h + 40), last = get_le64(h + 48);

	if (esz < 128 || esz > 4096 || esz % 8 || n == 0 || n > 4096)
		return 0;
	if (first > last || last >= nsect)
		return 0;
	return 1;
}

static int gpt_read(int fd, uint64_t dev_size, uint32_t sector, struct ptable *pt,
		    uint8_t *hdr, struct err *err)
{
	uint64_t nsect = dev_size / sector;
	uint32_t n = get_le32(hdr + 80), esz = get_le32(hdr + 84);
	uint64_t elba = get_le64(hdr + 72);
	uint64_t first = get_le64(hdr + 40), last = get_le64(hdr + 48);
	size_t tlen = (size_t)n * esz;
	uint8_t *ents;

	if (elba >= nsect || tlen > (nsect - elba) * sector) {
		err_set(err, EXIT_DAMAGED, "GPT partition entries lie past the end of the disk");
		return -1;
	}
	ents = xmalloc(tlen);
	if (pread_full(fd, ents, tlen, elba * sector, NULL) < 0) {
		err_set(err, EXIT_DAMAGED, "cannot read the GPT entries:");
		free(ents);
		return -1;
	}
	if ((uint32_t)crc32(0, ents, (uInt)tlen) != get_le32(hdr + 88)) {
		err_set(err, EXIT_DAMAGED, "GPT partition entries fail their checksum");
		free(ents);
		return -1;
	}
	pt->kind = PTABLE_GPT;
	for (uint32_t i = 0; i < n && pt->nparts < PTABLE_MAX_PARTS; i++) {
		const uint8_t *e = ents + (size_t)i * esz;
		static const uint8_t zero[16];
		struct ptable_part *p;
		uint64_t s, l;

		if (memcmp(e, zero, 16) == 0)
			continue;
		s = get_le64(e + 32);
		l = get_le64(e + 40);
		if (s < first || l < s || l > last)
			continue;	/* ignore entries outside the usable area */
		p = &pt->parts[pt->nparts++];
		memset(p, 0, sizeof(*p));
		p->number = i + 1;
		p->start = s * sector;
		p->size = (l - s + 1) * sector;
		memcpy(p->type_guid, e, 16);
		memcpy(p->guid, e + 16, 16);
		for (int c = 0; c < 36; c++) {
			uint16_t ch = get_le16(e + 56 + 2 * c);

			if (!ch)
				break;
			p->name[c] = (char)(ch < 0x80 && ch >= 0x20 ? ch : '?');
		}
	}
	free(ents);
	return 0;
}

int ptable_read(int fd, uint64_t dev_size, uint32_t sector, struct ptable *pt, struct err *err)
{
	uint8_t *buf;
	uint64_t nsect;
	int rc = 0;

	memset(pt, 0, sizeof(*pt));
	pt->sector = sector;
	if (sector < 512 || sector > 65536 || (sector & (sector - 1)))
		sector = 512;
	nsect = dev_size / sector;
	if (nsect < 2)
		return 0;
	buf = xmalloc(2 * (size_t)sector);
	if (pread_full(fd, buf, 2 * (size_t)sector, 0, NULL) < 0) {
		err_set(err, EXIT_DAMAGED, "cannot read the partition table:");
		free(buf);
		return -1;
	}
	if (buf[510] != 0x55 || buf[511] != 0xaa)
		goto out;
	/* A protective MBR means GPT, whatever else the MBR says. */
	int protective = 0;

	for (int i = 0; i < 4; i++)
		if (buf[446 + 16 * i + 4] == 0xee)
			protective = 1;
	if (protective) {
		uint8_t *hdr = buf + sector;

		if (gpt_header_ok(hdr, sector, 1, nsect)) {
			rc = gpt_read(fd, dev_size, sector, pt, hdr, err);
			/* The backup must agree; a lost one is worth a warning. */
			uint64_t alt = get_le64(hdr + 32);
			uint8_t *b2 = xmalloc(sector);

			if (alt >= nsect || pread_full(fd, b2, sector, alt * sector, NULL) < 0 ||
			    !gpt_header_ok(b2, sector, alt, nsect))
				pt->gpt_backup_bad = 1;
			free(b2);
		} else {
			uint8_t *b2 = xmalloc(sector);

			/* Primary header damaged: the backup at the last sector. */
			if (pread_full(fd, b2, sector, (nsect - 1) * sector, NULL) == 0 &&
			    gpt_header_ok(b2, sector, nsect - 1, nsect)) {
				rc = gpt_read(fd, dev_size, sector, pt, b2, err);
			} else {
				err_set(err, EXIT_DAMAGED, "protective MBR but no valid GPT header");
				rc = -1;
			}
			free(b2);
		}
		goto out;
	}
	/* DOS: accept the table only if its entries look like one (a FAT
	 * boot sector also ends in 55 AA). Extended partitions are listed
	 * as they are; their logical partitions are not followed. */
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = buf + 446 + 16 * i;

		if (e[0] != 0 && e[0] != 0x80)
			goto out;
	}
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = buf + 446 + 16 * i;
		uint64_t s = get_le32(e + 8), l = get_le32(e + 12);
		struct ptable_part *p;

		if (e[4] == 0 || l == 0)
			continue;
		if (s + l > nsect)
			continue;
		p = &pt->parts[pt->nparts++];
		memset(p, 0, sizeof(*p));
		p->number = (uint32_t)i + 1;
		p->start = s * sector;
		p->size = l * sector;
		p->dos_type = e[4];
	}
	if (pt->nparts)
		pt->kind = PTABLE_DOS;
out:
	free(buf);
	return rc;
}

/* ---- writing ---------------------------------------------------------- */

/* The partition starts at 1 MiB (any sector size divides it) and ends on a
 * MiB boundary, as fdisk and sgdisk align by default. */
static int place_partition(uint64_t first_lba, uint64_t last_lba, uint32_t sector,
			   uint64_t *s, uint64_t *e)
{
	uint64_t align = MIB / sector;
	uint64_t start = (first_lba + align - 1) / align * align;
	uint64_t end = (last_lba + 1) / align * align;

	if (end <= start + align) {
		/* A small disk (tests): use what there is. */
		end = last_lba + 1;
		if (end <= start + 8) {
			errno = EFBIG;
			return -1;
		}
	}
	*s = start;
	*e = end - 1;
	return 0;
}

static void gpt_header(uint8_t *h, uint64_t my, uint64_t alt, uint64_t first,
		       uint64_t last, const uint8_t disk_guid[16], uint64_t elba,
		       uint32_t ecrc)
{
	memset(h, 0, GPT_HEADER_SIZE);
	memcpy(h, "EFI PART", 8);
	put_le32(h + 8, 0x00010000);
	put_le32(h + 12, GPT_HEADER_SIZE);
	put_le64(h + 24, my);
	put_le64(h + 32, alt);
	put_le64(h + 40, first);
	put_le64(h + 48, last);
	memcpy(h + 56, disk_guid, 16);
	put_le64(h + 72, elba);
	put_le32(h + 80, GPT_ENTRIES);
	put_le32(h + 84, GPT_ENTRY_SIZE);
	put_le32(h + 88, ecrc);
	put_le32(h + 16, (uint32_t)crc32(0, h, GPT_HEADER_SIZE));
}

static void chs(uint8_t *p, uint64_t lba)
{
	/* CHS is obsolete; encode the customary 255 heads x 63 sectors, or
	 * the "beyond cylinder 1023" marker, as fdisk does. */
	uint64_t c = lba / (255 * 63), h = lba / 63 % 255, s = lba % 63 + 1;

	if (c > 1023) {
		p[0] = 0xfe;
		p[1] = 0xff;
		p[2] = 0xff;
		return;
	}
	p[0] = (uint8_t)h;
	p[1] = (uint8_t)(s | ((c >> 2) & 0xc0));
	p[2] = (uint8_t)c;
}

static void mbr_entry(uint8_t *mbr, int slot, uint8_t type, uint64_t start, uint64_t len)
{
	uint8_t *e = mbr + 446 + 16 * slot;

	memset(e, 0, 16);
	chs(e + 1, start);
	e[4] = type;
	chs(e + 5, start + len - 1);
	put_le32(e + 8, (uint32_t)start);
	put_le32(e + 12, (uint32_t)len);
}

int ptable_write_gpt(int fd, uint64_t dev_size, uint32_t sector,
		     const uint8_t type[16], const uint8_t guid[16],
		     const char *name, uint64_t *start, uint64_t *size)
{
	uint64_t nsect = dev_size / sector;
	uint64_t esect = (GPT_ENTRIES * GPT_ENTRY_SIZE + sector - 1) / sector;
	uint64_t first, last, ps, pe;
	uint8_t disk_guid[16], g[16];
	size_t elen = esect * sector;
	uint8_t *ents, *blk;
	uint32_t ecrc;
	int rc = -1;

	if (nsect < 2 * esect + 3 + 16) {
		errno = EFBIG;
		return -1;
	}
	first = 2 + esect;
	last = nsect - 2 - esect;
	if (place_partition(first, last, sector, &ps, &pe) < 0)
		return -1;
	ents = xcalloc(1, elen);
	blk = xcalloc(1, sector);
	memcpy(ents, type, 16);
	uuid_to_guid(guid, g);
	memcpy(ents + 16, g, 16);
	put_le64(ents + 32, ps);
	put_le64(ents + 40, pe);
	for (int i = 0; name && name[i] && i < 36; i++)
		put_le16(ents + 56 + 2 * i, (uint8_t)name[i]);
	ecrc = (uint32_t)crc32(0, ents, GPT_ENTRIES * GPT_ENTRY_SIZE);
	if (uuid_generate(disk_guid) < 0)
		goto out;
	uuid_to_guid(disk_guid, g);

	/* Backup first, primary last: a disk interrupted half-way has no
	 * valid primary and so no table, rather than half of one. */
	gpt_header(blk, nsect - 1, 1, first, last, g, nsect - 1 - esect, ecrc);
	if (pwrite_all(fd, ents, elen, (nsect - 1 - esect) * sector) < 0 ||
	    pwrite_all(fd, blk, sector, (nsect - 1) * sector) < 0)
		goto out;
	memset(blk, 0, sector);
	gpt_header(blk, 1, nsect - 1, first, last, g, 2, ecrc);
	if (pwrite_all(fd, ents, elen, 2 * (uint64_t)sector) < 0 ||
	    pwrite_all(fd, blk, sector, sector) < 0)
		goto out;
	memset(blk, 0, sector);
	mbr_entry(blk, 0, 0xee, 1, nsect - 1 > 0xffffffffu ? 0xffffffffu : nsect - 1);
	blk[510] = 0x55;
	blk[511] = 0xaa;
	if (pwrite_all(fd, blk, 512, 0) < 0)
		goto out;
	*start = ps * sector;
	*size = (pe - ps + 1) * sector;
	rc = 0;
out:
	free(ents);
	free(blk);
	return rc;
}

int ptable_write_dos(int fd, uint64_t dev_size, uint32_t sector, uint8_t dos_type,
		     uint64_t *start, uint64_t *size)
{
	uint64_t nsect = dev_size / sector, ps, pe;
	uint8_t mbr[512];

	if (nsect > 0xffffffffull)
		nsect = 0xffffffffull;	/* DOS cannot address more */
	if (nsect < 16 || place_partition(1, nsect - 1, sector, &ps, &pe) < 0) {
		errno = EFBIG;
		return -1;
	}
	memset(mbr, 0, sizeof(mbr));
	random_bytes(mbr + 440, 4);	/* disk identifier */
	mbr_entry(mbr, 0, dos_type, ps, pe - ps + 1);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	if (pwrite_all(fd, mbr, sizeof(mbr), 0) < 0)
		return -1;
	*start = ps * sector;
	*size = (pe - ps + 1) * sector;
	return 0;
}

int zero_range(int fd, uint64_t off, uint64_t len)
{
	size_t bufsz = 1 << 20;
	void *buf = xcalloc(1, bufsz);
	int rc = 0;

	while (len) {
		size_t n = len < bufsz ? (size_t)len : bufsz;

		if (pwrite_all(fd, buf, n, off) < 0) {
			rc = -1;
			break;
		}
		off += n;
		len -= n;
	}
	free(buf);
	return rc;
}

/* ---- signatures ------------------------------------------------------- */

struct sig {
	const char *what;
	int64_t off;		/* negative: from the end of the region */
	const char *magic;
	size_t len;
};

static const struct sig sigs[] = {
	{ "ext2/ext3/ext4 filesystem", 1080, "\x53\xef", 2 },
	{ "XFS filesystem", 0, "XFSB", 4 },
	{ "btrfs filesystem", 65600, "_BHRfS_M", 8 },
	{ "swap space", 4086, "SWAPSPACE2", 10 },
	{ "swap space", 4086, "SWAP-SPACE", 10 },
	{ "LUKS encrypted volume", 0, "LUKS\xba\xbe", 6 },
	{ "LVM2 physical volume", 536, "LVM2 001", 8 },
	{ "FAT filesystem", 54, "FAT1", 4 },
	{ "FAT filesystem", 82, "FAT32   ", 8 },
	{ "ISO 9660 filesystem", 32769, "CD001", 5 },
	{ "squashfs filesystem", 0, "hsqs", 4 },
	{ "F2FS filesystem", 1024, "\x10\x20\xf5\xf2", 4 },
	{ "Linux RAID member (md 1.1)", 0, "\xfc\x4e\x2b\xa9", 4 },
	{ "Linux RAID member (md 1.2)", 4096, "\xfc\x4e\x2b\xa9", 4 },
	{ "zIPL boot record", 0, "zIPL", 4 },
	{ "GPT partition table", 512, "EFI PART", 8 },
	{ "GPT partition table", 4096, "EFI PART", 8 },
	{ "GPT backup header", -512, "EFI PART", 8 },
	{ "GPT backup header", -4096, "EFI PART", 8 },
	{ "dumpbox dump superblock", 0, "DUMPBOX\x1a", 8 },
	{ "dumpbox dump superblock (backup)", -4096, "DUMPBOX\x1a", 8 },
};

static void add_hit(struct probe_hit *hits, int max, int *n, const char *what,
		    uint64_t off)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(hits[i].what, what) == 0)
			return;
	if (*n >= max)
		return;
	snprintf(hits[*n].what, sizeof(hits[*n].what), "%s", what);
	hits[*n].offset = off;
	(*n)++;
}

int probe_signatures(int fd, uint64_t base, uint64_t size, uint32_t sector,
		     struct probe_hit *hits, int max)
{
	uint8_t buf[16], mbr[512];
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		const struct sig *s = &sigs[i];
		uint64_t off;

		if (s->off < 0) {
			if ((uint64_t)-s->off > size)
				continue;
			off = size - (uint64_t)-s->off;
		} else {
			off = (uint64_t)s->off;
		}
		if (off + s->len > size)
			continue;
		if (pread_full(fd, buf, s->len, base + off, NULL) < 0)
			continue;
		if (memcmp(buf, s->magic, s->len) == 0)
			add_hit(hits, max, &n, s->what, off);
	}
	/* md 0.90 and 1.0 superblocks sit near the end. */
	if (size >= 128 * 1024) {
		uint64_t o90 = (size & ~65535ull) - 65536, o10 = (size - 8192) & ~4095ull;

		if (pread_full(fd, buf, 4, base + o90, NULL) == 0 && get_le32(buf) == 0xa92b4efc)
			add_hit(hits, max, &n, "Linux RAID member (md 0.90)", o90);
		if (pread_full(fd, buf, 4, base + o10, NULL) == 0 && get_le32(buf) == 0xa92b4efc)
			add_hit(hits, max, &n, "Linux RAID member (md 1.0)", o10);
	}
	/* A DOS table: 55 AA plus at least one plausible entry, and not a
	 * FAT boot sector (already named above). */
	if (size >= 512 && pread_full(fd, mbr, 512, base, NULL) == 0 &&
	    mbr[510] == 0x55 && mbr[511] == 0xaa) {
		int entries = 0, bad = 0, gpt = 0;

		for (int i = 0; i < 4; i++) {
			const uint8_t *e = mbr + 446 + 16 * i;

			if (e[0] != 0 && e[0] != 0x80)
				bad = 1;
			if (e[4])
				entries++;
			if (e[4] == 0xee)
				gpt = 1;
		}
		if (!bad && entries)
			add_hit(hits, max, &n, gpt ? "protective MBR (GPT)" : "DOS partition table", 510);
	}
	(void)sector;
	return n;
}
