/* The plan of diskprep prep (disk/prep.h): every check before a write. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>

#include "base/dumpbox.h"
#include "base/err.h"
#include "disk/dumpdisk.h"
#include "disk/prep.h"
#include "disk/ptable.h"

#define MIB (1024 * 1024ull)

/* ---- in use? ------------------------------------------------------------ */

/* Is the device, or any partition or holder of it, mounted? Names the
 * mount point in buf. */
static int mounted(dev_t dev, char *buf, size_t len)
{
	char line[4096], sysdir[128];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		char mnt[2048];

		if (sscanf(line, "%*d %*d %u:%u %*s %2047s", &maj, &min, mnt) != 3)
			continue;
		if (makedev(maj, min) == dev) {
			snprintf(buf, len, "%.200s", mnt);
			found = 1;
			break;
		}
		/* A partition of this disk: /sys/dev/block/M:m/.. is the disk. */
		snprintf(sysdir, sizeof(sysdir), "/sys/dev/block/%u:%u/partition", maj, min);
		if (access(sysdir, F_OK) == 0) {
			char devfile[64], want[32], got[64];

			snprintf(devfile, sizeof(devfile), "%u:%u/../dev", maj, min);
			snprintf(want, sizeof(want), "%u:%u", major(dev), minor(dev));
			if (read_attr("/sys/dev/block", devfile, got, sizeof(got)) == 0 &&
			    strcmp(got, want) == 0) {
				snprintf(buf, len, "%.200s (partition %u:%u)", mnt, maj, min);
				found = 1;
			}
		}
	}
	(void)fclose(f);	/* read only: nothing to lose */
	return found;
}

/* An image file may be mounted through a loop device. */
static int file_mounted(const char *file, char *buf, size_t len)
{
	char real[PATH_MAX], p[64], back[PATH_MAX], devs[32];

	if (!realpath(file, real))
		return 0;
	for (int i = 0; i < 256; i++) {
		unsigned maj, min;

		snprintf(p, sizeof(p), "loop%d/loop/backing_file", i);
		if (read_attr("/sys/block", p, back, sizeof(back)) < 0 || strcmp(back, real) != 0)
			continue;
		snprintf(p, sizeof(p), "loop%d/dev", i);
		if (read_attr("/sys/block", p, devs, sizeof(devs)) == 0 &&
		    sscanf(devs, "%u:%u", &maj, &min) == 2 && mounted(makedev(maj, min), buf, len))
			return 1;
	}
	return 0;
}

static int is_partition(dev_t dev)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/partition", major(dev), minor(dev));
	return access(p, F_OK) == 0;
}

/* ---- what would be lost ------------------------------------------------- */

/* What a region holds that prep would destroy, as one message. Our own
 * EMPTY or extracted dump disk does not count. Returns 1 if anything. */
static int describe_contents(int fd, uint64_t base, uint64_t size, uint32_t sector,
			     int ignore_table, char *msg, size_t len)
{
	struct probe_hit hits[PROBE_MAX_HITS];
	int n = probe_signatures(fd, base, size, sector, hits, PROBE_MAX_HITS);
	size_t used = 0;
	int any = 0;

	msg[0] = 0;
	for (int i = 0; i < n; i++) {
		if (strncmp(hits[i].what, "dumpbox", 7) == 0)
			continue;
		if (ignore_table && (strstr(hits[i].what, "GPT") || strstr(hits[i].what, "MBR") ||
				     strstr(hits[i].what, "DOS") || strstr(hits[i].what, "zIPL")))
			continue;
		used += (size_t)snprintf(msg + used, used < len ? len - used : 0, "%s%s (at byte %" PRIu64 ")",
					 any ? ", " : "", hits[i].what, hits[i].offset);
		any = 1;
	}
	return any;
}

/* A dump disk already there: fine if EMPTY or extracted; else refused
 * (unless forced), saying what dump it holds. */
static int check_unextracted(const struct prep_request *rq, struct err *e)
{
	struct dumpdisk d;
	char t[64];
	int rc = dumpdisk_open(&d, rq->path, DUMPDISK_RDONLY), ret = 0;

	if (d.layout != DUMPDISK_NONE && !rq->force) {
		if (rc == 0 && dumpdisk_may_overwrite(&d) < 0)
			ret = err_set(e, EXIT_DAMAGED, "%s holds a %s dump (%s layout, kernel %s, "
				      "crashed %s) that was not extracted: run 'diskprep extract' "
				      "first, or use --force", rq->path,
				      dumpdisk_state_name(d.info.state), dumpdisk_layout_name(d.layout),
				      d.info.kernel_release[0] ? d.info.kernel_release : "unknown",
				      utc_time(d.info.crash_time, t, sizeof(t)));
		else if (rc == EXIT_DAMAGED)
			ret = err_set(e, EXIT_DAMAGED, "%s holds a damaged dump disk (%s): it may hold "
				      "a dump; use --force to overwrite it", rq->path, d.err.msg);
	}
	dumpdisk_close(&d);
	return ret;
}

/* ---- the plan ----------------------------------------------------------- */

/* Open for writing, as the only writer. */
static int open_exclusive(const struct prep_request *rq, struct prep_plan *p, struct err *e)
{
	const char *path = rq->path;
	char mnt[256];
	struct stat st;

	if (stat(path, &st) < 0)
		return err_set(e, EXIT_DAMAGED, "%s:", path);
	p->isblk = S_ISBLK(st.st_mode);
	if (!p->isblk && !S_ISREG(st.st_mode))
		return err_set(e, EXIT_NOT_OURS, "%s is neither a block device nor a regular file",
			       path);
	if (p->isblk && mounted(st.st_rdev, mnt, sizeof(mnt)))
		return err_set(e, EXIT_DAMAGED, "%s is mounted on %s: refusing to touch it", path, mnt);
	if (!p->isblk && file_mounted(path, mnt, sizeof(mnt)))
		return err_set(e, EXIT_DAMAGED, "%s is in use through a loop device mounted on %s",
			       path, mnt);
	/* O_EXCL on a block device fails while anyone else holds it (a
	 * mount we missed, swap, LVM, md); an image file has the flock a
	 * running dump holds (disk/dumpdisk.c). */
	p->fd = open(path, O_RDWR | O_CLOEXEC | (p->isblk ? O_EXCL : 0) |
		     (rq->allow_symlink ? 0 : O_NOFOLLOW));
	if (p->fd < 0)
		return err_set(e, EXIT_DAMAGED, errno == EBUSY ? "%s is in use (busy):"
							  : "cannot open %s:", path);
	if (!p->isblk && flock(p->fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
		return err_set(e, EXIT_DAMAGED, "%s is in use: another process is writing to it", path);
	p->sector = 512;
	if (p->isblk) {
		int ss = 512;

		if (ioctl(p->fd, BLKGETSIZE64, &p->size) < 0)
			return err_set(e, EXIT_DAMAGED, "%s: cannot get its size:", path);
		if (ioctl(p->fd, BLKSSZGET, &ss) == 0 && ss >= 512 && ss <= 4096)
			p->sector = (uint32_t)ss;
	} else {
		p->size = (uint64_t)st.st_size;
	}
	/* A whole disk gets a table; a partition, an image file, or a
	 * device that already is one of our dump partitions does not. */
	p->whole_disk = p->isblk && !is_partition(st.st_rdev);
	return 0;
}

/* The partition asked for, in the table that is there. */
static int plan_partition(const struct prep_request *rq, struct prep_plan *p,
			  const struct ptable *pt, struct err *e)
{
	uint32_t want = rq->partno ? rq->partno : 1;
	char what[512];

	for (size_t i = 0; i < pt->nparts; i++)
		if (pt->parts[i].number == want) {
			p->pstart = pt->parts[i].start;
			p->psize = pt->parts[i].size;
			p->partno = want;
		}
	if (!p->partno)
		return err_set(e, EXIT_DAMAGED, "%s has no partition %u", rq->path, want);
	if (describe_contents(p->fd, p->pstart, p->psize, p->sector, 1, what, sizeof(what)) &&
	    !rq->force)
		return err_set(e, EXIT_DAMAGED, "partition %u of %s holds: %s; use --force to "
			       "overwrite it", p->partno, rq->path, what);
	return 0;
}

/* A new table with one partition. A table that is there (or anything
 * else) needs --force, unless it is our own: one dump partition
 * (check_unextracted has looked inside). */
static int plan_new_table(const struct prep_request *rq, struct prep_plan *p,
			  const struct ptable *pt, struct err *e)
{
	int ours = pt->nparts == 1 &&
		   ((pt->kind == PTABLE_GPT &&
		     memcmp(pt->parts[0].type_guid, ptable_dumpbox_type, 16) == 0) ||
		    (pt->kind == PTABLE_DOS && pt->parts[0].dos_type == 0xda));
	char what[512];

	if (describe_contents(p->fd, 0, p->size, p->sector, ours, what, sizeof(what)) && !rq->force)
		return err_set(e, EXIT_DAMAGED, "%s holds: %s; use --force to overwrite it",
			       rq->path, what);
	if (ours && describe_contents(p->fd, pt->parts[0].start, pt->parts[0].size, p->sector, 0,
				      what, sizeof(what)) && !rq->force)
		return err_set(e, EXIT_DAMAGED, "partition 1 of %s holds: %s; use --force to "
			       "overwrite it", rq->path, what);
	if (pt->kind != PTABLE_NONE && !ours && !rq->force)
		return err_set(e, EXIT_DAMAGED, "%s holds a %s partition table with %zu partition%s; "
			       "use --force to overwrite it", rq->path,
			       pt->kind == PTABLE_GPT ? "GPT" : "DOS", pt->nparts,
			       pt->nparts == 1 ? "" : "s");
	p->new_table = 1;
	return 0;
}

static int decide(const struct prep_request *rq, struct prep_plan *p, struct err *e)
{
	char what[512];
	struct err pe;
	struct ptable pt;
	struct dumpdisk old;
	int ours_at_0, want_table;

	if (open_exclusive(rq, p, e) < 0 || check_unextracted(rq, e) < 0)
		return -1;
	if (ptable_read(p->fd, p->size, p->sector, &pt, &pe) < 0 && !rq->force)
		return err_set(e, EXIT_DAMAGED, "%s: %s; use --force to overwrite it", rq->path,
			       pe.msg);
	ours_at_0 = dumpdisk_open(&old, rq->path, DUMPDISK_RDONLY) != EXIT_NOT_OURS &&
		    old.layout == DUMPDISK_OURS && old.region_start == 0;
	dumpdisk_close(&old);
	want_table = rq->zipl || rq->partno || rq->mbr || rq->gpt ||
		     (p->whole_disk && !ours_at_0 && !rq->no_table);
	if (want_table && pt.kind != PTABLE_NONE && (rq->partno || (rq->zipl && !rq->force)))
		return plan_partition(rq, p, &pt, e);
	if (want_table)
		return plan_new_table(rq, p, &pt, e);
	/* A partition or an image of one: the superblock goes at 0. */
	if (describe_contents(p->fd, 0, p->size, p->sector, 0, what, sizeof(what)) && !rq->force)
		return err_set(e, EXIT_DAMAGED, "%s holds: %s; use --force to overwrite it",
			       rq->path, what);
	p->pstart = 0;
	p->psize = p->size;
	return 0;
}

int prep_plan(const struct prep_request *rq, struct prep_plan *p, struct err *e)
{
	memset(p, 0, sizeof(*p));
	p->path = rq->path;
	p->fd = -1;
	if (decide(rq, p, e) == 0)
		return 0;
	if (p->fd >= 0)
		(void)close(p->fd);	/* nothing was written */
	p->fd = -1;
	return -1;
}

/* ---- writing ------------------------------------------------------------ */

int prep_wipe(const struct prep_plan *p, uint64_t off, uint64_t size, struct err *e)
{
	uint64_t n = size < MIB ? size : MIB;

	if (zero_range(p->fd, off, n) < 0 || zero_range(p->fd, off + size - n, n) < 0)
		return err_set(e, EXIT_DAMAGED, "cannot wipe %s:", p->path);
	return 0;
}

int prep_write_table(const struct prep_request *rq, struct prep_plan *p, const uint8_t uuid[16],
		     struct err *e)
{
	if (prep_wipe(p, 0, p->size, e) < 0)
		return -1;
	if (rq->zipl || rq->mbr) {
		if (ptable_write_dos(p->fd, p->size, p->sector, rq->zipl ? 0x83 : 0xda, &p->pstart,
				     &p->psize) < 0)
			return err_set(e, EXIT_DAMAGED, "cannot write a DOS partition table on %s:",
				       rq->path);
	} else if (ptable_write_gpt(p->fd, p->size, p->sector, ptable_dumpbox_type, uuid,
				    "dumpbox-dump", &p->pstart, &p->psize) < 0) {
		return err_set(e, EXIT_DAMAGED, "cannot write a GPT on %s:", rq->path);
	}
	p->partno = 1;
	return 0;
}
