/* Which filesystem a device holds, read from its superblock as the
 * kernel and blkid read it: the type to mount it as, its UUID and label
 * (what dumpbox.target=UUID=/LABEL= names), and the states in which a
 * dump must not go there. ext2/3/4, xfs and btrfs: the filesystems
 * distributions put /var/crash on. */
#ifndef DUMPBOX_FSPROBE_H
#define DUMPBOX_FSPROBE_H

#include <stddef.h>
#include <stdint.h>

/* What fs_probe() reads: btrfs's superblock is at 64 KiB. */
#define FSPROBE_SIZE (64u * 1024 + 4096)

struct fs_info {
	char type[8];		/* "ext4" (ext2/3/4: one driver), "xfs", "btrfs" */
	char uuid[37];		/* as blkid prints it: lower-case, dashes */
	char label[256];	/* "" for none; the bytes as stored */
	/* ext4: the journal must be replayed, but lives on another device
	 * the dump kernel does not have (and cannot replay it then). */
	int external_journal;
	int errors;		/* the filesystem recorded errors (fsck it) */
};

/* The filesystem at the start of buf (len bytes of the device; shorter
 * than FSPROBE_SIZE only for a device that small). 1 with *fi filled, 0
 * for none we know. */
int fs_probe(const uint8_t *buf, size_t len, struct fs_info *fi);

#endif
