/* Finding dump disks: a /sys/block scan, so that diskprep list, the dump
 * applet and the rescue menu agree on what "the dump disk" is. sysfs and
 * /dev are parameters: tests hand in a fake tree of directories and image
 * files. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/dumpbox.h"
#include "base/err.h"
#include "disk/dumpdisk.h"
#include "disk/dumpfind.h"

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

struct scan {
	struct dumpdisk_found *v;
	size_t n;
	const char *dev_root;
};

static void probe(struct scan *s, const char *sysdir, const char *name, int is_part,
		  int has_parts)
{
	struct dumpdisk_found f;
	struct dumpdisk d;
	char size[32];
	int rc;

	if (s->n >= MAX_FOUND)
		return;
	if (read_attr(sysdir, "size", size, sizeof(size)) == 0 && strcmp(size, "0") == 0)
		return;		/* empty loop devices, absent media */
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
	char blockdir[PATH_MAX], disk[PATH_MAX + 256], part[PATH_MAX * 2];
	struct scan s = { NULL, 0, dev_root && *dev_root ? dev_root : "/dev" };
	struct dirent *e, *pe;
	DIR *top, *sub;

	snprintf(blockdir, sizeof(blockdir), "%s/block", sysfs_root && *sysfs_root ? sysfs_root : "/sys");
	top = opendir(blockdir);
	if (top) {
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
				probe(&s, part, pe->d_name, 1, 0);
			}
			closedir(sub);
			probe(&s, disk, e->d_name, 0, has_parts);
		}
		closedir(top);
	}
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
