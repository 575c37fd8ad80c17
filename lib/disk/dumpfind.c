/* Finding dump disks: a /sys/block scan, so that diskprep list, the dump
 * applet and the rescue menu agree on what "the dump disk" is. sysfs and
 * /dev are parameters: tests hand in a fake tree of directories and image
 * files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "base/err.h"
#include "disk/dumpdisk.h"
#include "disk/dumpfind.h"
#include "disk/fsprobe.h"

#define MAX_FOUND 1024

static int sys_exists(const char *dir, const char *name, const char *file)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s/%s", dir, name, file);
	return stat(p, &st) == 0;
}

/* The first holder of a device (dm-N for a multipath path), or "". */
static void first_holder(const char *dir, char *out, size_t len)
{
	char p[PATH_MAX];
	DIR *h;
	struct dirent *e;

	out[0] = 0;
	snprintf(p, sizeof(p), "%s/holders", dir);
	h = opendir(p);
	if (!h)
		return;
	while ((e = readdir(h))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(out, len, "%.63s", e->d_name);
		break;
	}
	closedir(h);
}

/* Every block device and partition sysfs_root/block shows, partitions
 * before their disk, to fn. */
typedef void walk_fn(void *arg, const char *sysdir, const char *name, int is_part,
		     int has_parts);

static void walk(const char *sysfs_root, walk_fn *fn, void *arg)
{
	char blockdir[PATH_MAX], disk[PATH_MAX + 256], part[PATH_MAX * 2];
	struct dirent *e, *pe;
	DIR *top, *sub;

	snprintf(blockdir, sizeof(blockdir), "%s/block", sysfs_root && *sysfs_root ? sysfs_root : "/sys");
	top = opendir(blockdir);
	if (!top)
		return;
	while ((e = readdir(top))) {
		int has_parts = 0;

		if (e->d_name[0] == '.')
			continue;
		snprintf(disk, sizeof(disk), "%s/%s", blockdir, e->d_name);
		sub = opendir(disk);
		if (!sub)
			continue;
		while ((pe = readdir(sub))) {
			if (pe->d_name[0] == '.' || !sys_exists(disk, pe->d_name, "partition"))
				continue;
			has_parts = 1;
			snprintf(part, sizeof(part), "%s/%s", disk, pe->d_name);
			fn(arg, part, pe->d_name, 1, 0);
		}
		closedir(sub);
		fn(arg, disk, e->d_name, 0, has_parts);
	}
	closedir(top);
}

static int empty_device(const char *sysdir)
{
	char size[32];

	/* empty loop devices, absent media */
	return read_attr(sysdir, "size", size, sizeof(size)) == 0 && strcmp(size, "0") == 0;
}

struct scan {
	struct dumpdisk_found *v;
	size_t n;
	const char *dev_root;
};

static void probe(void *arg, const char *sysdir, const char *name, int is_part, int has_parts)
{
	struct scan *s = arg;
	struct dumpdisk_found f;
	struct dumpdisk d;
	int rc;

	if (s->n >= MAX_FOUND || empty_device(sysdir))
		return;
	memset(&f, 0, sizeof(f));
	snprintf(f.name, sizeof(f.name), "%s", name);
	snprintf(f.dev, sizeof(f.dev), "%s/%s", s->dev_root, name);
	first_holder(sysdir, f.holder, sizeof(f.holder));
	rc = dumpdisk_open(&d, f.dev, DUMPDISK_RDONLY);
	if (d.layout == DUMPDISK_NONE || (rc && rc != EXIT_DAMAGED)) {
		dumpdisk_close(&d);
		return;
	}
	/* A zipl record belongs to the disk (it is found there); ours to
	 * the partition, when the kernel shows the partitions. */
	if ((is_part && d.layout == DUMPDISK_ZIPL) ||
	    (!is_part && has_parts && d.layout == DUMPDISK_OURS && d.region_start)) {
		dumpdisk_close(&d);
		return;
	}
	f.layout = d.layout;
	f.info = d.info;
	f.status = rc;
	if (d.layout == DUMPDISK_OURS && d.info.uuid[0])
		snprintf(f.key, sizeof(f.key), "dumpbox:%s", d.info.uuid);
	else
		snprintf(f.key, sizeof(f.key), "zipl:%llx:%llx:%llx",
			 (unsigned long long)d.z.sb_off, (unsigned long long)d.z.sb.part_start,
			 (unsigned long long)d.z.sb.part_size);
	f.paths = 1;
	dumpdisk_close(&d);
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = f;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct dumpdisk_found *)a)->name,
		      ((const struct dumpdisk_found *)b)->name);
}

static int is_dm(const struct dumpdisk_found *f)
{
	return strncmp(f->name, "dm-", 3) == 0;
}

size_t dumpdisk_scan(const char *sysfs_root, const char *dev_root,
		     struct dumpdisk_found **out)
{
	struct scan s = { NULL, 0, dev_root && *dev_root ? dev_root : "/dev" };

	walk(sysfs_root, probe, &s);
	/* No device at all leaves s.v NULL, which qsort must not get. */
	if (s.n > 1)
		qsort(s.v, s.n, sizeof(*s.v), by_name);
	/* One entry per dump disk. Several devices with the same identity
	 * are paths to one LUN (multipath): keep the device-mapper node if
	 * there is one, and count the paths. */
	size_t n = 0;

	for (size_t i = 0; i < s.n; i++) {
		size_t j;

		for (j = 0; j < n; j++)
			if (strcmp(s.v[j].key, s.v[i].key) == 0)
				break;
		if (j == n) {
			s.v[n] = s.v[i];
			s.v[n].paths = is_dm(&s.v[i]) ? 0 : 1;
			n++;
			continue;
		}
		int paths = s.v[j].paths + (is_dm(&s.v[i]) ? 0 : 1);

		if (is_dm(&s.v[i]) && !is_dm(&s.v[j]))
			s.v[j] = s.v[i];
		s.v[j].paths = paths;
	}
	for (size_t j = 0; j < n; j++)
		if (s.v[j].paths == 0)
			s.v[j].paths = 1;
	*out = s.v;
	return n;
}

int dumpdisk_lookup(const char *spec, const char *sysfs_root, const char *dev_root,
		    struct dumpdisk_found *found, struct err *err)
{
	struct dumpdisk_found *v = NULL;
	size_t n, hit = 0, nhits = 0;
	const char *uuid = NULL, *label = NULL;

	if (spec && *spec && strncmp(spec, "UUID=", 5) != 0 && strncmp(spec, "LABEL=", 6) != 0) {
		struct dumpdisk d;
		int rc = dumpdisk_open(&d, spec, DUMPDISK_RDONLY);

		if (d.layout == DUMPDISK_NONE || (rc && rc != EXIT_DAMAGED)) {
			err_set(err, EXIT_NOT_OURS, "%s: %s", spec, d.err.msg);
			dumpdisk_close(&d);
			return EXIT_NOT_OURS;
		}
		memset(found, 0, sizeof(*found));
		snprintf(found->dev, sizeof(found->dev), "%s", spec);
		snprintf(found->name, sizeof(found->name), "%s",
			 strrchr(spec, '/') ? strrchr(spec, '/') + 1 : spec);
		found->layout = d.layout;
		found->info = d.info;
		found->status = rc;
		found->paths = 1;
		dumpdisk_close(&d);
		return 0;
	}
	if (spec && !strncmp(spec, "UUID=", 5))
		uuid = spec + 5;
	if (spec && !strncmp(spec, "LABEL=", 6))
		label = spec + 6;
	n = dumpdisk_scan(sysfs_root, dev_root, &v);
	for (size_t i = 0; i < n; i++) {
		if (uuid && strcasecmp(v[i].info.uuid, uuid) != 0)
			continue;
		if (label && strcmp(v[i].info.label, label) != 0)
			continue;
		if (nhits++ == 0)
			hit = i;
	}
	if (nhits == 1) {
		*found = v[hit];
		free(v);
		return 0;
	}
	if (nhits == 0) {
		err_set(err, EXIT_NOT_OURS, "no dump disk%s%s found",
			spec && *spec ? " matching " : "", spec && *spec ? spec : "");
		free(v);
		return EXIT_NOT_OURS;
	}
	size_t len = (size_t)snprintf(err->msg, sizeof(err->msg), "%zu dump disks found, name one:",
				      nhits);

	err->status = EXIT_USAGE;
	for (size_t i = 0; i < n && len < sizeof(err->msg); i++) {
		if ((uuid && strcasecmp(v[i].info.uuid, uuid) != 0) ||
		    (label && strcmp(v[i].info.label, label) != 0))
			continue;
		len += (size_t)snprintf(err->msg + len, sizeof(err->msg) - len, " %s",
						v[i].dev);
	}
	free(v);
	return EXIT_USAGE;
}

/* ---- filesystems -------------------------------------------------------- */

/* The first FSPROBE_SIZE bytes of dev, probed. */
static int fs_read(const char *dev, struct fs_info *fi)
{
	uint8_t *buf = xmalloc(FSPROBE_SIZE);
	size_t got = 0;
	int fd = open(dev, O_RDONLY | O_CLOEXEC), hit = 0;

	if (fd >= 0 && pread_full(fd, buf, FSPROBE_SIZE, 0, &got) == 0)
		hit = fs_probe(buf, got, fi);
	if (fd >= 0)
		close(fd);
	free(buf);
	return hit;
}

struct fs_scan {
	const char *dev_root, *uuid, *label;
	struct fs_found hit;
	size_t nhits;
	char names[256];	/* the devices that match, for the message */
};

static void fs_candidate(void *arg, const char *sysdir, const char *name, int is_part,
			 int has_parts)
{
	struct fs_scan *s = arg;
	struct fs_found f;
	size_t len;

	/* A partitioned disk's own start is its partition table. */
	if ((!is_part && has_parts) || empty_device(sysdir))
		return;
	memset(&f, 0, sizeof(f));
	snprintf(f.dev, sizeof(f.dev), "%s/%s", s->dev_root, name);
	if (!fs_read(f.dev, &f.info) ||
	    (s->uuid && strcasecmp(f.info.uuid, s->uuid) != 0) ||
	    (s->label && strcmp(f.info.label, s->label) != 0))
		return;
	/* A multipath LUN shows its filesystem on every path: the
	 * device-mapper node is the one to mount. */
	first_holder(sysdir, f.holder, sizeof(f.holder));
	if (f.holder[0])
		return;
	if (s->nhits++ == 0)
		s->hit = f;
	len = strlen(s->names);
	snprintf(s->names + len, sizeof(s->names) - len, " %s", f.dev);
}

int fs_lookup(const char *spec, const char *sysfs_root, const char *dev_root,
	      struct fs_found *found, struct err *err)
{
	struct fs_scan s = { .dev_root = dev_root && *dev_root ? dev_root : "/dev" };

	if (!spec || !*spec)
		return err_fail(err, EXIT_USAGE, "a filesystem target needs a name: "
				"UUID=, LABEL= or a device");
	if (strncmp(spec, "UUID=", 5) != 0 && strncmp(spec, "LABEL=", 6) != 0) {
		memset(found, 0, sizeof(*found));
		snprintf(found->dev, sizeof(found->dev), "%s", spec);
		if (!fs_read(spec, &found->info))
			return err_fail(err, EXIT_NOT_OURS, "%s: neither a dump disk nor a filesystem "
					"dumpbox knows (ext4, xfs, btrfs)", spec);
		return 0;
	}
	if (spec[0] == 'U')
		s.uuid = spec + 5;
	else
		s.label = spec + 6;
	walk(sysfs_root, fs_candidate, &s);
	if (s.nhits == 1) {
		*found = s.hit;
		return 0;
	}
	if (s.nhits == 0)
		return err_fail(err, EXIT_NOT_OURS, "no dump disk or filesystem matching %s found",
				spec);
	return err_fail(err, EXIT_USAGE, "%zu filesystems match %s, name one:%s", s.nhits, spec,
			s.names);
}
