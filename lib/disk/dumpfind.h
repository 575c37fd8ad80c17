/* Finding dump disks (diskprep list, the dump applet, rescue): every
 * block device of the machine, through a sysfs and a /dev root, read for
 * a dump superblock or zipl dump record. */
#ifndef DUMPBOX_DUMPFIND_H
#define DUMPBOX_DUMPFIND_H

#include <stddef.h>

#include "disk/dumpdisk.h"
#include "disk/fsprobe.h"

struct dumpdisk_found {
	char dev[256];			/* device node (under dev_root) */
	char name[64];			/* kernel name, e.g. sdb1 */
	char holder[64];		/* dm-N that holds it (multipath), or "" */
	enum dumpdisk_layout layout;
	struct dumpdisk_info info;
	char key[80];			/* identity: same key = same dump disk */
	int paths;			/* how many devices show this disk */
	int status;			/* dumpdisk_open's result */
};

/* Scan sysfs_root/block (default /sys) for block devices and partitions
 * that hold a dump disk; device nodes are dev_root/NAME (default /dev).
 * Devices that show the same dump disk (multipath) are one entry, with
 * paths counting them. Returns the number found; *out is malloc'd. */
size_t dumpdisk_scan(const char *sysfs_root, const char *dev_root,
		     struct dumpdisk_found **out);

/* Pick one: spec is "UUID=...", "LABEL=...", a path (a /dev/disk/by-id
 * link, a device node, an image file), or NULL/"" for "the only one".
 * Returns 0 with *found filled, or EXIT_NOT_OURS (none) / EXIT_USAGE
 * (ambiguous), with err saying which. */
int dumpdisk_lookup(const char *spec, const char *sysfs_root, const char *dev_root,
		    struct dumpdisk_found *found, struct err *err);

/* A filesystem to dump into (dumpbox.target naming no dump disk). */
struct fs_found {
	char dev[256];			/* the device to mount */
	char holder[64];
	struct fs_info info;
};

/* spec "UUID=..." or "LABEL=..." (looked for as dumpdisk_lookup looks,
 * through sysfs_root and dev_root), or a device path. 0 with *found, or
 * EXIT_NOT_OURS (none) / EXIT_USAGE (several, or no spec) with err. */
int fs_lookup(const char *spec, const char *sysfs_root, const char *dev_root,
	      struct fs_found *found, struct err *err);

#endif
