/* Superblock offsets and magic numbers: ext4 from the kernel's
 * fs/ext4/ext4.h (struct ext4_super_block), xfs from
 * fs/xfs/libxfs/xfs_format.h (struct xfs_dsb), btrfs from
 * include/uapi/linux/btrfs_tree.h (struct btrfs_super_block). */
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "disk/fsprobe.h"

#define EXT4_SB			1024
#define EXT4_MAGIC		0xEF53
#define EXT4_ERROR_FS		0x0002		/* s_state */
#define EXT4_COMPAT_HAS_JOURNAL	0x0004
#define EXT4_INCOMPAT_RECOVER	0x0004
#define EXT4_INCOMPAT_JOURNAL_DEV 0x0008	/* the device is a journal only */

#define XFS_MAGIC		0x58465342	/* "XFSB" */

#define BTRFS_SB		(64u * 1024)
#define BTRFS_MAGIC		"_BHRfS_M"

static void uuid_text(const uint8_t *u, char *out)
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u[i] >> 4];
		*p++ = hex[u[i] & 15];
	}
	*p = '\0';
}

/* A label field: up to len bytes, NUL-padded. Control characters would
 * reach the console in messages: they match no spec a user can type. */
static void label_text(const uint8_t *l, size_t len, char *out, size_t outlen)
{
	size_t n = 0;

	while (n < len && n + 1 < outlen && l[n]) {
		if (l[n] < 0x20 || l[n] == 0x7f)
			out[n] = '?';
		else
			memcpy(out + n, l + n, 1);
		n++;
	}
	out[n] = '\0';
}

static int ext4(const uint8_t *buf, size_t len, struct fs_info *fi)
{
	const uint8_t *sb = buf + EXT4_SB;

	if (len < EXT4_SB + 1024 || get_le16(sb + 0x38) != EXT4_MAGIC)
		return 0;
	uint32_t compat = get_le32(sb + 0x5c), incompat = get_le32(sb + 0x60);

	if (incompat & EXT4_INCOMPAT_JOURNAL_DEV)
		return 0;
	snprintf(fi->type, sizeof(fi->type), "ext4");
	uuid_text(sb + 0x68, fi->uuid);
	label_text(sb + 0x78, 16, fi->label, sizeof(fi->label));
	fi->errors = !!(get_le16(sb + 0x3a) & EXT4_ERROR_FS);
	/* s_journal_inum 0 with a journal: it is on the device s_journal_dev. */
	fi->external_journal = (compat & EXT4_COMPAT_HAS_JOURNAL) && get_le32(sb + 0xe0) == 0 &&
			       (incompat & EXT4_INCOMPAT_RECOVER);
	return 1;
}

static int xfs(const uint8_t *buf, size_t len, struct fs_info *fi)
{
	uint32_t bs;

	if (len < 512 || get_be32(buf) != XFS_MAGIC)
		return 0;
	bs = get_be32(buf + 4);
	if (bs < 512 || bs > 65536 || (bs & (bs - 1)))
		return 0;
	snprintf(fi->type, sizeof(fi->type), "xfs");
	uuid_text(buf + 32, fi->uuid);
	label_text(buf + 108, 12, fi->label, sizeof(fi->label));
	return 1;
}

static int btrfs(const uint8_t *buf, size_t len, struct fs_info *fi)
{
	const uint8_t *sb = buf + BTRFS_SB;

	if (len < BTRFS_SB + 4096 || memcmp(sb + 0x40, BTRFS_MAGIC, 8) != 0 ||
	    get_le64(sb + 0x30) != BTRFS_SB)
		return 0;
	snprintf(fi->type, sizeof(fi->type), "btrfs");
	uuid_text(sb + 0x20, fi->uuid);
	label_text(sb + 0x12b, 256, fi->label, sizeof(fi->label));
	return 1;
}

int fs_probe(const uint8_t *buf, size_t len, struct fs_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	if (ext4(buf, len, fi) || xfs(buf, len, fi) || btrfs(buf, len, fi))
		return 1;
	memset(fi, 0, sizeof(*fi));
	return 0;
}
