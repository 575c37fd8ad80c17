/* Dump disks: our layout's superblocks, both layouts' state machine and
 * writer protocol. docs/FORMAT.md is the specification; the comments here
 * say why the code follows it the way it does. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/diskio.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "base/fields.h"
#include "core/elflayout.h"
#include "core/vmcore.h"
#include "disk/dumpdisk.h"
#include "disk/ptable.h"

#define LOG_MAGIC "DBXLOG\0\0"
#define MIB (1024 * 1024ull)
#define MAX_EXTENTS 4096

struct dumpdisk_extent {
	uint64_t off, len;
	uint32_t crc;
};

#define fail err_fail
/* A failure of d: -1, or the status for the functions that return one. */
#define dfail(d, status, ...) err_fail(&(d)->err, status, __VA_ARGS__)
#define dfail_ret(d, ...) err_ret(&(d)->err, EXIT_DAMAGED, __VA_ARGS__)

const char *dumpdisk_state_name(uint32_t state)
{
	switch (state) {
	case DUMPDISK_EMPTY: return "EMPTY";
	case DUMPDISK_BUSY: return "BUSY";
	case DUMPDISK_COMPLETE: return "COMPLETE";
	case DUMPDISK_INCOMPLETE: return "INCOMPLETE";
	}
	return "UNKNOWN";
}

const char *dumpdisk_layout_name(enum dumpdisk_layout l)
{
	return l == DUMPDISK_OURS ? "dumpbox" : l == DUMPDISK_ZIPL ? "zipl" : "none";
}

const char *dumpdisk_format_name(uint32_t format)
{
	switch (format) {
	case DUMPDISK_FMT_ELF: return "elf";
	case DUMPDISK_FMT_KDUMP: return "kdump";
	}
	return "none";
}

static uint64_t now(void)
{
	return (uint64_t)time(NULL);
}

/* ---- our superblock --------------------------------------------------- */

static uint64_t backup_offset(uint64_t part_size)
{
	return (part_size - DUMPDISK_SB_AREA) & ~(uint64_t)(DUMPDISK_SB_AREA - 1);
}

/* The superblock (docs/FORMAT.md): magic at 0, its size at 12, the
 * CRC32 of bytes 0-507 at 508. */
#define SB_U32(at, m) FIELD_U32(at, struct dumpdisk_sb, m)
#define SB_U64(at, m) FIELD_U64(at, struct dumpdisk_sb, m)
#define SB_STR(at, w, m) FIELD_STR(at, w, struct dumpdisk_sb, m)
const struct field dumpdisk_sb_fields[] = {
	SB_U32(8, version),
	FIELD_BYTES(16, 16, struct dumpdisk_sb, uuid),
	SB_STR(32, 64, label),
	SB_U64(96, part_start),		SB_U64(104, part_size),
	SB_U64(112, log_offset),	SB_U64(120, log_size),
	SB_U64(128, dump_offset),	SB_U64(136, dump_size),
	SB_U32(144, block_size),	SB_U32(148, state),
	SB_U64(152, generation),	SB_U64(160, dump_id),
	SB_U32(168, flags),		SB_U32(172, format),
	SB_U64(176, dump_bytes),
	SB_U64(184, crash_time),	SB_U64(192, begin_time),
	SB_U64(200, finish_time),	SB_U64(208, extract_time),
	SB_U32(216, data_crc),
	SB_STR(224, 65, kernel_release),
	SB_STR(289, 32, writer),
	SB_STR(321, 64, reason),
};
const size_t dumpdisk_sb_nfields = ARRAY_SIZE(dumpdisk_sb_fields);

void dumpdisk_sb_encode(uint8_t *b, const struct dumpdisk_sb *sb)
{
	memset(b, 0, DUMPDISK_SB_SIZE);
	memcpy(b, DUMPDISK_MAGIC, 8);
	fields_encode(b, dumpdisk_sb_fields, dumpdisk_sb_nfields, sb);
	put_le32(b + 12, DUMPDISK_SB_SIZE);
	put_le32(b + 508, (uint32_t)crc32(0, b, 508));
}

int dumpdisk_sb_decode(struct dumpdisk_sb *sb, const uint8_t *b, uint64_t region_size,
		       struct err *err)
{
	memset(sb, 0, sizeof(*sb));
	if (memcmp(b, DUMPDISK_MAGIC, 8) != 0)
		return fail(err, EXIT_NOT_OURS, "no dumpbox superblock");
	if ((uint32_t)crc32(0, b, 508) != get_le32(b + 508))
		return fail(err, EXIT_DAMAGED, "superblock checksum mismatch");
	sb->version = get_le32(b + 8);
	if (sb->version > DUMPDISK_VERSION)
		return fail(err, EXIT_DAMAGED,
			    "superblock version %u is newer than this dumpbox reads (%u): "
			    "use a newer dumpbox", sb->version, DUMPDISK_VERSION);
	if (sb->version == 0 || get_le32(b + 12) != DUMPDISK_SB_SIZE)
		return fail(err, EXIT_DAMAGED, "superblock version %u or size %u is invalid",
			    sb->version, get_le32(b + 12));
	fields_decode(sb, dumpdisk_sb_fields, dumpdisk_sb_nfields, b);

	/* Every size is checked against the others and against the device:
	 * a superblock is input, and a wrong size must not make us read or
	 * write outside the partition. */
	if (sb->part_size < DUMPDISK_MIN_SIZE / 2 || sb->part_size % 512)
		return fail(err, EXIT_DAMAGED, "superblock partition size %" PRIu64
			    " is absurd", sb->part_size);
	if (sb->part_size > region_size)
		return fail(err, EXIT_DAMAGED,
			    "device truncated: superblock says %" PRIu64 " bytes, device has %" PRIu64,
			    sb->part_size, region_size);
	if (sb->block_size < 512 || sb->block_size > 65536 || (sb->block_size & (sb->block_size - 1)))
		return fail(err, EXIT_DAMAGED, "superblock block size %u is absurd",
			    sb->block_size);
	if (sb->log_offset < DUMPDISK_SB_AREA || sb->log_size > sb->part_size ||
	    sb->log_offset > sb->dump_offset || sb->log_size > sb->dump_offset - sb->log_offset ||
	    (sb->log_size && sb->log_size < DUMPDISK_LOG_HEADER))
		return fail(err, EXIT_DAMAGED, "superblock log area (%" PRIu64 ", %" PRIu64
			    " bytes) is absurd", sb->log_offset, sb->log_size);
	if (sb->dump_offset > backup_offset(sb->part_size) ||
	    sb->dump_size > backup_offset(sb->part_size) - sb->dump_offset ||
	    sb->dump_offset % DUMPDISK_SB_AREA)
		return fail(err, EXIT_DAMAGED, "superblock dump area (%" PRIu64 ", %" PRIu64
			    " bytes) does not fit the partition", sb->dump_offset, sb->dump_size);
	if (sb->state < DUMPDISK_EMPTY || sb->state > DUMPDISK_INCOMPLETE)
		return fail(err, EXIT_DAMAGED, "superblock state %u is unknown", sb->state);
	if (sb->dump_bytes > sb->dump_size)
		return fail(err, EXIT_DAMAGED, "dump size %" PRIu64
			    " is larger than the dump area (%" PRIu64 ")", sb->dump_bytes, sb->dump_size);
	if (sb->format > DUMPDISK_FMT_KDUMP)
		return fail(err, EXIT_DAMAGED, "dump format %u is unknown", sb->format);
	return 0;
}

/* ---- opening ------------------------------------------------------------ */

static void info_from_sb(struct dumpdisk *d)
{
	const struct dumpdisk_sb *sb = &d->sb;
	struct dumpdisk_info *in = &d->info;

	in->state = sb->state;
	in->flags = sb->flags;
	in->format = sb->format;
	in->capacity = sb->dump_size;
	in->dump_bytes = sb->dump_bytes;
	in->crash_time = sb->crash_time;
	in->begin_time = sb->begin_time;
	in->finish_time = sb->finish_time;
	in->extract_time = sb->extract_time;
	in->data_crc = sb->data_crc;
	in->generation = sb->generation;
	memcpy(in->kernel_release, sb->kernel_release, sizeof(in->kernel_release));
	memcpy(in->writer, sb->writer, sizeof(in->writer));
	memcpy(in->reason, sb->reason, sizeof(in->reason));
	memcpy(in->label, sb->label, sizeof(in->label));
	uuid_format(sb->uuid, in->uuid);
	d->dump_base = d->region_start + sb->dump_offset;
}

/* Our layout in [start, start + size) of d->fd. */
static int open_ours(struct dumpdisk *d, uint64_t start, uint64_t size)
{
	uint8_t p[DUMPDISK_SB_SIZE], b[DUMPDISK_SB_SIZE];
	struct dumpdisk_sb ps, bs = { 0 };
	struct err perr, berr;
	int prc, brc;
	uint64_t boff;

	if (size < DUMPDISK_SB_AREA * 2 || pread_full(d->fd, p, sizeof(p), start, NULL) < 0)
		return dfail(d, EXIT_NOT_OURS, "too small for a dump disk");
	prc = dumpdisk_sb_decode(&ps, p, size, &perr);
	boff = backup_offset(prc == 0 ? ps.part_size : size);
	if (pread_full(d->fd, b, sizeof(b), start + boff, NULL) < 0)
		brc = fail(&berr, EXIT_DAMAGED, "cannot read the backup superblock: %s",
			   strerror(errno));
	else
		brc = dumpdisk_sb_decode(&bs, b, size, &berr);
	/* A backup counts only where its own size puts it: the backup of a
	 * partition that ends where the disk ends is not the disk's. */
	if (brc == 0 && backup_offset(bs.part_size) != boff)
		brc = fail(&berr, EXIT_NOT_OURS, "no backup superblock");
	if (prc == EXIT_NOT_OURS && brc == EXIT_NOT_OURS)
		return dfail(d, EXIT_NOT_OURS, "no dumpbox superblock");
	d->layout = DUMPDISK_OURS;
	d->region_start = start;
	d->region_size = size;
	d->primary_ok = prc == 0;
	d->backup_ok = brc == 0;
	if (prc && brc)
		return dfail(d, EXIT_DAMAGED, "both superblocks are unusable: primary: %s; backup: %s",
			     perr.msg, berr.msg);
	if (prc == 0 && brc == 0 && memcmp(ps.uuid, bs.uuid, 16) != 0) {
		/* A backup of some earlier preparation: not ours to trust. */
		d->backup_ok = 0;
		d->sb = ps;
		info_from_sb(d);
		d->info.note = "backup superblock belongs to another preparation";
		return 0;
	}
	/* The newer generation wins: the protocol writes the primary first,
	 * so a cut between the two writes leaves the primary newer. */
	d->sb = prc == 0 && (brc || ps.generation >= bs.generation) ? ps : bs;
	info_from_sb(d);
	if (prc)
		d->info.note = "primary superblock damaged: using the backup";
	else if (brc)
		d->info.note = "backup superblock damaged";
	else if (ps.generation != bs.generation)
		d->info.note = "backup superblock is out of date";
	return 0;
}

/* zipl: map the layout's few signals to our states (FORMAT.md table). */
static void info_from_zipl(struct dumpdisk *d)
{
	struct zipl_disk *z = &d->z;
	struct dumpdisk_info *in = &d->info;

	d->layout = DUMPDISK_ZIPL;
	d->region_start = z->sb.part_start;
	d->region_size = z->sb.part_size;
	d->dump_base = z->sb.part_start + z->sb.dump_offset;
	in->capacity = z->sb.dump_size;
	in->generation = 0;
	in->format = DUMPDISK_FMT_NONE;
	if (z->ext_bound) {
		const struct zipl_ext *e = &z->ext;

		in->state = e->state >= DUMPDISK_EMPTY && e->state <= DUMPDISK_INCOMPLETE
				    ? e->state : DUMPDISK_BUSY;
		in->flags = e->flags & (DUMPDISK_F_EXTRACTED | DUMPDISK_F_DATA_CRC);
		in->format = e->format;
		in->dump_bytes = e->dump_bytes <= in->capacity ? e->dump_bytes : in->capacity;
		in->crash_time = e->crash_time;
		in->begin_time = e->begin_time;
		in->finish_time = e->finish_time;
		in->data_crc = e->data_crc;
		memcpy(in->kernel_release, e->kernel_release, sizeof(in->kernel_release));
		memcpy(in->writer, e->writer, sizeof(in->writer));
		memcpy(in->reason, e->reason, sizeof(in->reason));
		if (in->state == DUMPDISK_COMPLETE && z->page0_kind != ZIPL_PAGE0_ELF) {
			in->state = DUMPDISK_BUSY;
			in->note = "record says complete, but the first page is no ELF header";
		}
		if (in->state == DUMPDISK_EMPTY && z->page0_kind != ZIPL_PAGE0_ZERO)
			in->state = DUMPDISK_BUSY;
		return;
	}
	/* No record of ours describes this page: a disk written by zipl and
	 * the reference zfcpdump, or one cut before our record was written. */
	if (z->csum_ok && z->page0_kind == ZIPL_PAGE0_ZERO) {
		in->state = DUMPDISK_EMPTY;
	} else if (z->csum_ok && z->page0_kind == ZIPL_PAGE0_ELF) {
		struct window w;
		struct vmcore vc;

		in->state = DUMPDISK_COMPLETE;
		in->format = DUMPDISK_FMT_ELF;
		window_init(&w, d->fd, d->dump_base, in->capacity, d->path);
		if (vmcore_open(&vc, &w) == 0) {
			uint64_t size = vmcore_elf_size(&vc);

			in->dump_bytes = size <= in->capacity ? size : in->capacity;
			if (size > in->capacity) {
				in->state = DUMPDISK_INCOMPLETE;
				in->note = "the ELF header describes more than the dump area holds";
			}
			vmcoreinfo_get(&vc, "OSRELEASE", in->kernel_release,
				       sizeof(in->kernel_release));
			vmcore_close(&vc);
		} else {
			in->state = DUMPDISK_INCOMPLETE;
			in->note = "the dump's ELF header cannot be parsed";
		}
		if (z->have_ext && z->ext.flags & DUMPDISK_F_EXTRACTED)
			in->note = "written by another tool since our last record";
	} else if (z->page0_kind == ZIPL_PAGE0_BUSY) {
		in->state = DUMPDISK_BUSY;
		in->note = "\"zfcpdump busy\": a dump was started and not finished";
	} else if (!z->csum_ok && z->page0_kind == ZIPL_PAGE0_ELF) {
		in->state = DUMPDISK_BUSY;
		in->note = "ELF header present, but the superblock checksum does not match it "
			   "(cut before the final checksum update?)";
	} else {
		in->state = DUMPDISK_INCOMPLETE;
		in->note = z->csum_ok ? "the dump area holds neither a dump nor zeros"
				      : "checksum mismatch: the partition changed since it was prepared";
	}
}

static int get_sizes(int fd, uint64_t *size, uint32_t *sector, int *isblk)
{
	struct stat st;
	int ss = 512;

	if (fstat(fd, &st) < 0)
		return -1;
	*isblk = S_ISBLK(st.st_mode);
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, size) < 0)
			return -1;
		if (ioctl(fd, BLKSSZGET, &ss) < 0 || ss < 512 || ss > 65536)
			ss = 512;
	} else {
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
		return -1;
	}
	*sector = (uint32_t)ss;
	return 0;
}

/* A partition's disk through sysfs: /sys/dev/block/M:m is a link into
 * the disk's directory; its parent directory names the disk. */
static int parent_disk(dev_t dev, char *disk, size_t len, uint64_t *start)
{
	char p[128], real[PATH_MAX], buf[64];

	snprintf(p, sizeof(p), "dev/block/%u:%u/start", major(dev), minor(dev));
	if (read_attr("/sys", p, buf, sizeof(buf)) < 0 || parse_u64(buf, start) < 0)
		return -1;
	*start *= 512;	/* sysfs counts 512-byte sectors */
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/..", major(dev), minor(dev));
	if (!realpath(p, real))
		return -1;
	snprintf(disk, len, "/dev/%s", strrchr(real, '/') + 1);
	return 0;
}

/* One writer at a time: two dumps (or a dump and an extract or clear)
 * on one disk would interleave their writes, and each would trust its
 * own superblock. A block device is opened O_EXCL, which the kernel
 * refuses while anyone else holds it so (another writer, a mount, md,
 * LVM); an image file gets an flock, gone when we close it. Readers take
 * nothing: "info" during a dump shows BUSY. EBUSY when taken. */
/* A loop device's backing file (/sys/dev/block/MAJ:MIN/loop/backing_file),
 * open for its lock; -1 for any other device. */
static int loop_backing(const struct stat *st)
{
	char p[96], file[PATH_MAX];
	size_t n = 0;
	int fd;

	if (!S_ISBLK(st->st_mode) || major(st->st_rdev) != 7)
		return -1;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/loop/backing_file", major(st->st_rdev),
		 minor(st->st_rdev));
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (pread_full(fd, file, sizeof(file) - 1, 0, &n) < 0 && n == 0) {
		close(fd);
		return -1;
	}
	close(fd);
	file[n] = '\0';
	file[strcspn(file, "\n")] = '\0';
	return open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

/* The one-writer lock. A block device is opened O_EXCL (the kernel
 * refuses a second one, and a mounted one); an image file is flock()ed.
 * The two must meet when a loop device shows the image: its backing
 * file is flock()ed too, through *lock_fd. */
static int open_locked(const char *path, int writable, int nofollow, int *lock_fd)
{
	struct stat st;
	int fd, flags = nofollow ? O_NOFOLLOW : 0;

	*lock_fd = -1;
	if (!writable)
		return open(path, O_RDONLY | O_CLOEXEC | flags);
	/* Without O_CREAT, Linux acts on O_EXCL for block devices only. */
	fd = open(path, O_RDWR | O_CLOEXEC | O_EXCL | flags);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return fd;
	if (S_ISBLK(st.st_mode))
		*lock_fd = loop_backing(&st);
	/* A file system without locks (ENOLCK) is no reason to refuse. */
	if ((S_ISREG(st.st_mode) && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) ||
	    (*lock_fd >= 0 && flock(*lock_fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)) {
		close(fd);
		if (*lock_fd >= 0)
			close(*lock_fd);
		*lock_fd = -1;
		errno = EBUSY;
		return -1;
	}
	return fd;
}

int dumpdisk_open(struct dumpdisk *d, const char *path, int mode)
{
	struct ptable pt;
	struct err perr;
	struct err pe;
	int isblk, rc;

	memset(d, 0, sizeof(*d));
	d->disk_fd = -1;
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->writable = (mode & DUMPDISK_RDWR) != 0;
	d->fd = open_locked(path, d->writable, mode & DUMPDISK_NOFOLLOW, &d->lock_fd);
	if (d->fd < 0 && errno == ELOOP && (mode & DUMPDISK_NOFOLLOW))
		return dfail(d, EXIT_USAGE, "a symbolic link: name the device itself, or add "
			     "--allow-symlink");
	if (d->fd < 0 && errno == EBUSY)
		return dfail(d, EXIT_DAMAGED, "in use: another process is writing to this dump "
			     "disk (a dump, extract or clear), or it is mounted");
	if (d->fd < 0)
		return dfail(d, errno == ENOENT ? EXIT_NOT_OURS : EXIT_DAMAGED, "%s",
			     strerror(errno));
	/* Callers put the path in front of d->err. */
	if (get_sizes(d->fd, &d->dev_size, &d->sector, &isblk) < 0)
		return dfail(d, EXIT_NOT_OURS, "%s", strerror(errno));

	/* 1. Our superblock at the start: a partition or an image of one. */
	rc = open_ours(d, 0, d->dev_size);
	if (rc != EXIT_NOT_OURS)
		return rc;
	/* 2. A zipl dump record: this is the whole disk. */
	rc = zipl_probe(d->fd, d->dev_size, d->sector, &d->z, &d->err);
	if (rc == 0)
		info_from_zipl(d);
	if (rc != EXIT_NOT_OURS)
		return rc;
	/* 3. A whole disk (or disk image) with a partition table: look in
	 * each partition, ours first by type. */
	if (ptable_read(d->fd, d->dev_size, d->sector, &pt, &pe) == 0 &&
	    pt.kind != PTABLE_NONE) {
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < pt.nparts; i++) {
				const struct ptable_part *p = &pt.parts[i];
				int typed = pt.kind == PTABLE_GPT
						    ? memcmp(p->type_guid, ptable_dumpbox_type, 16) == 0
						    : p->dos_type == 0xda;

				if (typed != (pass == 0))
					continue;
				rc = open_ours(d, p->start, p->size);
				if (rc != EXIT_NOT_OURS) {
					d->partno = p->number;
					return rc;
				}
			}
		}
	}
	/* 4. A partition whose disk carries a zipl dump record. */
	if (isblk) {
		struct stat st;
		char disk[PATH_MAX];
		uint64_t start;

		if (fstat(d->fd, &st) == 0 &&
		    parent_disk(st.st_rdev, disk, sizeof(disk), &start) == 0) {
			int fd = open(disk, (d->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
			uint64_t dsize;
			uint32_t dsect;
			int dblk;

			if (fd >= 0 && get_sizes(fd, &dsize, &dsect, &dblk) == 0 &&
			    zipl_probe(fd, dsize, dsect, &d->z, &perr) == 0 &&
			    d->z.sb.part_start == start) {
				/* Work on the disk: that is where the records are. */
				d->disk_fd = d->fd;
				d->fd = fd;
				d->dev_size = dsize;
				d->sector = dsect;
				info_from_zipl(d);
				return 0;
			}
			if (fd >= 0)
				close(fd);
		}
	}
	d->layout = DUMPDISK_NONE;
	return dfail(d, EXIT_NOT_OURS, "no dump disk (neither a dumpbox superblock nor a zipl "
		     "dump record)");
}

void dumpdisk_close(struct dumpdisk *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->disk_fd >= 0)
		close(d->disk_fd);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	d->fd = d->disk_fd = d->lock_fd = -1;
	free(d->ext);
	free(d->page0);
	d->ext = NULL;
	d->page0 = NULL;
}

/* ---- writing ------------------------------------------------------------ */

static int write_sb_both(struct dumpdisk *d)
{
	uint8_t b[DUMPDISK_SB_SIZE];

	d->sb.generation++;
	dumpdisk_sb_encode(b, &d->sb);
	/* Primary, flush, backup, flush: at most one copy is ever in
	 * flight, so one always reads as the old or the new state. */
	if (disk_pwrite(d->fd, b, sizeof(b), d->region_start) < 0 || disk_fsync(d->fd) < 0 ||
	    disk_pwrite(d->fd, b, sizeof(b), d->region_start + backup_offset(d->sb.part_size)) < 0 ||
	    disk_fsync(d->fd) < 0)
		return dfail_ret(d, "cannot write the superblock: %s", strerror(errno));
	d->primary_ok = d->backup_ok = 1;
	info_from_sb(d);
	d->info.note = NULL;
	return 0;
}

static int read_page0(struct dumpdisk *d, uint8_t *page)
{
	if (pread_full(d->fd, page, ZIPL_CSUM_SIZE, d->dump_base, NULL) < 0)
		return dfail_ret(d, "cannot read the dump's first page: %s", strerror(errno));
	return 0;
}

/* The zipl record: the superblock's sector, checksum over the first page
 * as it now is. */
static int write_zipl_record(struct dumpdisk *d, const uint8_t *page0, struct zipl_ext *e)
{
	e->bound_csum = zipl_cksm(page0, ZIPL_CSUM_SIZE, ZIPL_CSUM_SEED);
	if (zipl_write_sb(d->fd, &d->z, page0, e) < 0 || disk_fsync(d->fd) < 0)
		return dfail_ret(d, "cannot write the zipl superblock: %s", strerror(errno));
	d->z.page0_kind = memcmp(page0, "\x7f" "ELF", 4) == 0 ? ZIPL_PAGE0_ELF
			  : memcmp(page0, ZIPL_BUSY_STRING, 13) == 0 ? ZIPL_PAGE0_BUSY
								     : ZIPL_PAGE0_ZERO;
	info_from_zipl(d);
	return 0;
}

static void zipl_ext_from_info(struct dumpdisk *d, struct zipl_ext *e)
{
	const struct dumpdisk_info *in = &d->info;

	memset(e, 0, sizeof(*e));
	e->state = in->state;
	e->flags = in->flags;
	e->format = in->format;
	e->dump_bytes = in->dump_bytes;
	e->crash_time = in->crash_time;
	e->begin_time = in->begin_time;
	e->finish_time = in->finish_time;
	e->data_crc = in->data_crc;
	e->data_crc_valid = !!(in->flags & DUMPDISK_F_DATA_CRC);
	if (d->z.have_ext) {
		e->log_offset = d->z.ext.log_offset;
		e->log_size = d->z.ext.log_size;
		e->dump_id = d->z.ext.dump_id;
	}
	snprintf(e->kernel_release, sizeof(e->kernel_release), "%s", in->kernel_release);
	snprintf(e->writer, sizeof(e->writer), "%s", in->writer);
	snprintf(e->reason, sizeof(e->reason), "%s", in->reason);
}

static void log_area(const struct dumpdisk *d, uint64_t *off, uint64_t *size)
{
	*off = *size = 0;
	if (d->layout == DUMPDISK_OURS && d->sb.log_size) {
		*off = d->region_start + d->sb.log_offset;
		*size = d->sb.log_size;
	} else if (d->layout == DUMPDISK_ZIPL && d->z.have_ext && d->z.ext.log_offset) {
		*off = d->z.ext.log_offset;
		*size = d->z.ext.log_size;
	}
}

static int write_log(struct dumpdisk *d, uint64_t dump_id, const char *log, size_t len)
{
	uint64_t off, size;
	uint8_t *buf;
	int rc = 0;

	log_area(d, &off, &size);
	if (!size)
		return 0;
	if (len > size - DUMPDISK_LOG_HEADER)
		log = log + (len - (size - DUMPDISK_LOG_HEADER)), len = size - DUMPDISK_LOG_HEADER;
	buf = xcalloc(1, DUMPDISK_LOG_HEADER + len);
	memcpy(buf, LOG_MAGIC, 8);
	put_le64(buf + 8, dump_id);
	put_le32(buf + 16, (uint32_t)len);
	put_le32(buf + 20, (uint32_t)crc32(0, (const Bytef *)log, (uInt)len));
	if (len)
		memcpy(buf + DUMPDISK_LOG_HEADER, log, len);
	put_le32(buf + 60, (uint32_t)crc32(0, buf, 60));
	if (disk_pwrite(d->fd, buf, DUMPDISK_LOG_HEADER + len, off) < 0 || disk_fsync(d->fd) < 0)
		rc = dfail_ret(d, "cannot write the log: %s", strerror(errno));
	free(buf);
	return rc;
}

char *dumpdisk_read_log(struct dumpdisk *d, size_t *lenp)
{
	uint64_t off, size, id;
	uint8_t h[DUMPDISK_LOG_HEADER];
	uint32_t len;
	char *text;

	log_area(d, &off, &size);
	id = d->layout == DUMPDISK_OURS ? d->sb.dump_id : d->z.ext_bound ? d->z.ext.dump_id : 0;
	if (!size || !id || pread_full(d->fd, h, sizeof(h), off, NULL) < 0 ||
	    memcmp(h, LOG_MAGIC, 8) != 0 || (uint32_t)crc32(0, h, 60) != get_le32(h + 60) ||
	    get_le64(h + 8) != id)
		return NULL;
	len = get_le32(h + 16);
	if (len > size - DUMPDISK_LOG_HEADER)
		return NULL;
	text = xmalloc((size_t)len + 1);
	if (pread_full(d->fd, text, len, off + DUMPDISK_LOG_HEADER, NULL) < 0 ||
	    (uint32_t)crc32(0, (Bytef *)text, len) != get_le32(h + 20)) {
		free(text);
		return NULL;
	}
	text[len] = 0;
	if (lenp)
		*lenp = len;
	return text;
}

int dumpdisk_may_overwrite(struct dumpdisk *d)
{
	const struct dumpdisk_info *in = &d->info;

	if (d->layout == DUMPDISK_NONE)
		return dfail_ret(d, "no dump disk");
	if (in->state == DUMPDISK_EMPTY || in->flags & DUMPDISK_F_EXTRACTED)
		return 0;
	return dfail_ret(d, "holds a %s dump%s%s that was not extracted", dumpdisk_state_name(in->state),
		     in->kernel_release[0] ? " of " : "", in->kernel_release);
}

/* A dump's id tells one dump from the next on the same disk; it needs no
 * secrecy, and a capture kernel early in boot must not wait for the
 * entropy pool: random if there is randomness at once, else the time. */
static uint64_t new_dump_id(void)
{
	uint64_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		id = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
		     ((uint64_t)getpid() << 48);
	}
	return id | 1;	/* 0 means "no dump" */
}

int dumpdisk_begin(struct dumpdisk *d, const struct dumpdisk_meta *m, const char *log,
		   size_t loglen)
{
	uint64_t id;

	if (!d->writable || d->layout == DUMPDISK_NONE)
		return dfail_ret(d, "not open for writing");
	id = new_dump_id();
	d->next = 0;
	d->crc_lost = 0;
	d->page0_set = 0;
	if (d->layout == DUMPDISK_OURS) {
		struct dumpdisk_sb *sb = &d->sb;

		sb->state = DUMPDISK_BUSY;
		sb->dump_id = id;
		sb->flags = 0;
		sb->format = m ? m->format : DUMPDISK_FMT_NONE;
		sb->dump_bytes = 0;
		sb->crash_time = m ? m->crash_time : 0;
		sb->begin_time = now();
		sb->finish_time = sb->extract_time = 0;
		sb->data_crc = 0;
		snprintf(sb->kernel_release, sizeof(sb->kernel_release), "%s",
			 m && m->kernel_release ? m->kernel_release : "");
		snprintf(sb->writer, sizeof(sb->writer), "dumpbox %s", DUMPBOX_VERSION);
		sb->reason[0] = 0;
		if (write_sb_both(d) < 0)
			return -1;
		/* The log after BUSY: a cut here leaves a BUSY disk whose
		 * log is missing, never a COMPLETE one with a foreign log. */
		return write_log(d, id, log, loglen);
	}
	/* zipl: the reference tool's marker first, then our log, then the
	 * record that binds both to this dump. */
	uint8_t *page = xcalloc(1, ZIPL_CSUM_SIZE);
	struct zipl_ext e;
	int rc = -1;

	memcpy(page, ZIPL_BUSY_STRING, sizeof(ZIPL_BUSY_STRING));
	if (disk_pwrite(d->fd, page, ZIPL_CSUM_SIZE, d->dump_base) < 0 || disk_fsync(d->fd) < 0) {
		dfail_ret(d, "cannot mark the dump busy: %s", strerror(errno));
		goto out;
	}
	if (write_log(d, id, log, loglen) < 0)
		goto out;
	d->info.state = DUMPDISK_BUSY;
	d->info.flags = 0;
	d->info.format = m ? m->format : DUMPDISK_FMT_NONE;
	d->info.dump_bytes = 0;
	d->info.crash_time = m ? m->crash_time : 0;
	d->info.begin_time = now();
	d->info.finish_time = 0;
	d->info.data_crc = 0;
	snprintf(d->info.kernel_release, sizeof(d->info.kernel_release), "%s",
		 m && m->kernel_release ? m->kernel_release : "");
	snprintf(d->info.writer, sizeof(d->info.writer), "dumpbox %s", DUMPBOX_VERSION);
	d->info.reason[0] = 0;
	zipl_ext_from_info(d, &e);
	e.dump_id = id;
	rc = write_zipl_record(d, page, &e);
out:
	free(page);
	return rc;
}

/* Keep the crc32 of what was written as a sorted list of extents, merged
 * whenever one touches the next (crc32_combine), so a dump written in
 * any order (HSA first, header last) still ends as one extent and needs
 * no second pass over the disk. */
static void track(struct dumpdisk *d, uint64_t off, uint64_t len, uint32_t crc)
{
	size_t i;

	if (d->crc_lost || len == 0)
		return;
	for (i = 0; i < d->next && d->ext[i].off < off; i++)
		;
	if ((i > 0 && d->ext[i - 1].off + d->ext[i - 1].len > off) ||
	    (i < d->next && d->ext[i].off < off + len)) {
		d->crc_lost = 1;	/* overlap: recompute at the end */
		return;
	}
	if (i > 0 && d->ext[i - 1].off + d->ext[i - 1].len == off) {
		struct dumpdisk_extent *p = &d->ext[i - 1];

		p->crc = (uint32_t)crc32_combine(p->crc, crc, (z_off_t)len);
		p->len += len;
		if (i < d->next && p->off + p->len == d->ext[i].off) {
			p->crc = (uint32_t)crc32_combine(p->crc, d->ext[i].crc,
							   (z_off_t)d->ext[i].len);
			p->len += d->ext[i].len;
			memmove(&d->ext[i], &d->ext[i + 1], (d->next - i - 1) * sizeof(*d->ext));
			d->next--;
		}
		return;
	}
	if (i < d->next && off + len == d->ext[i].off) {
		struct dumpdisk_extent *n = &d->ext[i];

		n->crc = (uint32_t)crc32_combine(crc, n->crc, (z_off_t)n->len);
		n->off = off;
		n->len += len;
		return;
	}
	if (d->next == MAX_EXTENTS) {
		d->crc_lost = 1;
		return;
	}
	if (d->next == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->ext = xrealloc(d->ext, d->cap * sizeof(*d->ext));
	}
	memmove(&d->ext[i + 1], &d->ext[i], (d->next - i) * sizeof(*d->ext));
	d->ext[i] = (struct dumpdisk_extent){ off, len, crc };
	d->next++;
}

int dumpdisk_write(struct dumpdisk *d, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	if (d->info.state != DUMPDISK_BUSY || !d->writable)
		return dfail_ret(d, "dumpdisk_write without dumpdisk_begin");
	if (off > d->info.capacity || len > d->info.capacity - off) {
		/* Fill the area first: a forced extract of the INCOMPLETE
		 * dump gets every byte that fitted. */
		if (off < d->info.capacity &&
		    dumpdisk_write(d, buf, (size_t)(d->info.capacity - off), off) < 0)
			return -1;
		errno = ENOSPC;
		return dfail_ret(d, "write of %zu bytes at %" PRIu64 " is past the end of the dump "
			     "area (%" PRIu64 " bytes)", len, off, d->info.capacity);
	}
	track(d, off, len, (uint32_t)crc32(0, p, (uInt)len));
	if (d->layout == DUMPDISK_ZIPL && off < ZIPL_CSUM_SIZE) {
		/* The first page goes to disk last (dumpdisk_finish): until
		 * then the partition says "zfcpdump busy" to every reader. */
		size_t n = len < ZIPL_CSUM_SIZE - off ? len : ZIPL_CSUM_SIZE - off;

		if (!d->page0)
			d->page0 = xcalloc(1, ZIPL_CSUM_SIZE);
		memcpy(d->page0 + off, p, n);
		d->page0_set = 1;
		p += n;
		len -= n;
		off += n;
	}
	if (len && disk_pwrite(d->fd, p, len, d->dump_base + off) < 0)
		return dfail_ret(d, "write to the dump area at %" PRIu64 " failed: %s", off,
			     strerror(errno));
	return 0;
}

/* crc32 of the first size bytes: from the extents if they cover exactly
 * that, else by reading the disk (page0 from memory for zipl). */
static int data_crc(struct dumpdisk *d, uint64_t size, uint32_t *crc)
{
	if (!d->crc_lost && ((size == 0 && d->next == 0) ||
			     (d->next == 1 && d->ext[0].off == 0 && d->ext[0].len == size))) {
		*crc = size ? d->ext[0].crc : (uint32_t)crc32(0, NULL, 0);
		return 0;
	}
	size_t bufsz = 1 << 20;
	uint8_t *buf = xmalloc(bufsz);
	uLong c = crc32(0, NULL, 0);

	for (uint64_t off = 0; off < size;) {
		size_t n = size - off < bufsz ? (size_t)(size - off) : bufsz;

		if (pread_full(d->fd, buf, n, d->dump_base + off, NULL) < 0) {
			free(buf);
			return dfail_ret(d, "cannot read back the dump: %s", strerror(errno));
		}
		if (d->layout == DUMPDISK_ZIPL && off < ZIPL_CSUM_SIZE && d->page0_set) {
			size_t k = n < ZIPL_CSUM_SIZE - off ? n : ZIPL_CSUM_SIZE - off;

			memcpy(buf, d->page0 + off, k);
		}
		c = crc32(c, buf, (uInt)n);
		off += n;
	}
	free(buf);
	*crc = (uint32_t)c;
	return 0;
}

int dumpdisk_finish(struct dumpdisk *d, uint32_t state, uint64_t size, const char *reason)
{
	uint32_t crc = 0;
	int have_crc = 0, synced;
	char why[64];		/* the superblock's reason field */
	int rc;

	if (d->info.state != DUMPDISK_BUSY || !d->writable)
		return dfail_ret(d, "dumpdisk_finish without dumpdisk_begin");
	if (state != DUMPDISK_COMPLETE && state != DUMPDISK_INCOMPLETE)
		return dfail_ret(d, "a dump finishes COMPLETE or INCOMPLETE");
	if (size > d->info.capacity)
		return dfail_ret(d, "dump size %" PRIu64 " exceeds the dump area", size);
	if (d->layout == DUMPDISK_ZIPL && state == DUMPDISK_COMPLETE && !d->page0_set)
		return dfail_ret(d, "the dump's first page was never written");
	/* Data first, on stable storage, before anything says COMPLETE.
	 * When it is not (a disk's write error shows here, for the last
	 * pages written), the disk says so where a reader looks: INCOMPLETE
	 * with the reason, in superblock sectors that may still take a
	 * write; BUSY only if they do not. */
	synced = disk_fsync(d->fd) == 0;
	if (!synced) {
		snprintf(why, sizeof(why), "fsync of the dump failed: %s", strerror(errno));
		state = DUMPDISK_INCOMPLETE;
		reason = why;
	}
	if (state == DUMPDISK_COMPLETE) {
		if (data_crc(d, size, &crc) < 0)
			return -1;
		have_crc = 1;
	}
	if (d->layout == DUMPDISK_OURS) {
		d->sb.state = state;
		d->sb.dump_bytes = size;
		d->sb.finish_time = now();
		d->sb.data_crc = crc;
		d->sb.flags = have_crc ? DUMPDISK_F_DATA_CRC : 0;
		snprintf(d->sb.reason, sizeof(d->sb.reason), "%s", reason ? reason : "");
		rc = write_sb_both(d);
		return synced || rc < 0 ? rc : dfail_ret(d, "%s", why);
	}
	uint8_t *page = xcalloc(1, ZIPL_CSUM_SIZE);
	struct zipl_ext e;

	rc = -1;

	if (state == DUMPDISK_COMPLETE) {
		memcpy(page, d->page0, ZIPL_CSUM_SIZE);
		if (disk_pwrite(d->fd, page, ZIPL_CSUM_SIZE, d->dump_base) < 0 ||
		    disk_fsync(d->fd) < 0) {
			dfail_ret(d, "cannot write the dump's first page: %s", strerror(errno));
			goto out;
		}
	} else if (read_page0(d, page) < 0) {
		goto out;
	}
	d->info.state = state;
	d->info.dump_bytes = size;
	d->info.finish_time = now();
	d->info.data_crc = crc;
	d->info.flags = have_crc ? DUMPDISK_F_DATA_CRC : 0;
	snprintf(d->info.reason, sizeof(d->info.reason), "%s", reason ? reason : "");
	zipl_ext_from_info(d, &e);
	rc = write_zipl_record(d, page, &e);
	if (rc == 0 && !synced)
		rc = dfail_ret(d, "%s", why);
out:
	free(page);
	return rc;
}

int dumpdisk_set_extracted(struct dumpdisk *d)
{
	if (!d->writable)
		return dfail_ret(d, "not open for writing");
	if (d->layout == DUMPDISK_OURS) {
		d->sb.flags |= DUMPDISK_F_EXTRACTED;
		d->sb.extract_time = now();
		return write_sb_both(d);
	}
	uint8_t *page = xmalloc(ZIPL_CSUM_SIZE);
	struct zipl_ext e;
	int rc = -1;

	if (read_page0(d, page) == 0) {
		d->info.flags |= DUMPDISK_F_EXTRACTED;
		zipl_ext_from_info(d, &e);
		rc = write_zipl_record(d, page, &e);
	}
	free(page);
	return rc;
}

int dumpdisk_clear(struct dumpdisk *d)
{
	uint8_t zero[DUMPDISK_LOG_HEADER] = { 0 };
	uint64_t loff, lsize;

	if (!d->writable)
		return dfail_ret(d, "not open for writing");
	log_area(d, &loff, &lsize);
	if (lsize && (disk_pwrite(d->fd, zero, sizeof(zero), loff) < 0 || disk_fsync(d->fd) < 0))
		return dfail_ret(d, "cannot clear the log: %s", strerror(errno));
	if (d->layout == DUMPDISK_OURS) {
		struct dumpdisk_sb *sb = &d->sb;

		sb->state = DUMPDISK_EMPTY;
		sb->flags = 0;
		sb->format = 0;
		sb->dump_id = 0;
		sb->dump_bytes = 0;
		sb->crash_time = sb->begin_time = sb->finish_time = sb->extract_time = 0;
		sb->data_crc = 0;
		sb->kernel_release[0] = sb->reason[0] = 0;
		return write_sb_both(d);
	}
	/* zipl: what zipl -d leaves: 64 KiB of zeros, checksum of zeros. */
	uint8_t *z = xcalloc(1, 64 * 1024);
	struct zipl_ext e;
	int rc = -1;

	if (disk_pwrite(d->fd, z, 64 * 1024, d->dump_base) < 0 || disk_fsync(d->fd) < 0) {
		dfail_ret(d, "cannot clear the dump area: %s", strerror(errno));
	} else {
		memset(&d->info, 0, sizeof(d->info));
		d->info.state = DUMPDISK_EMPTY;
		zipl_ext_from_info(d, &e);
		e.dump_id = 0;
		snprintf(e.writer, sizeof(e.writer), "dumpbox %s", DUMPBOX_VERSION);
		rc = write_zipl_record(d, z, &e);
	}
	free(z);
	return rc;
}

void dumpdisk_window(const struct dumpdisk *d, struct window *w)
{
	uint64_t size = d->info.state == DUMPDISK_COMPLETE ? d->info.dump_bytes : d->info.capacity;

	window_init(w, d->fd, d->dump_base, size, d->path);
}

static uint64_t dump_offset_for(uint64_t size, uint32_t log_size)
{
	uint64_t off = DUMPDISK_SB_AREA + ((log_size + 4095) & ~4095ull);

	/* Align the dump area to 1 MiB where that costs little. */
	if (size >= 64 * MIB)
		off = (off + MIB - 1) & ~(MIB - 1);
	return off;
}

uint64_t dumpdisk_capacity(uint64_t size, uint32_t log_size)
{
	uint64_t off = dump_offset_for(size & ~511ull, log_size);

	size &= ~511ull;
	if (size < DUMPDISK_MIN_SIZE || off + 2 * DUMPDISK_SB_AREA > size)
		return 0;
	return backup_offset(size) - off;
}

int dumpdisk_format(int fd, uint64_t start, uint64_t size, const char *label,
		    uint32_t log_size, const uint8_t uuid[16], struct err *err)
{
	struct dumpdisk_sb sb;
	uint8_t b[DUMPDISK_SB_SIZE], *zero;
	uint64_t dump_off;

	size &= ~(uint64_t)511;
	if (size < DUMPDISK_MIN_SIZE)
		return fail(err, -1, "%" PRIu64 " bytes is too small for a dump disk "
			    "(at least %u)", size, DUMPDISK_MIN_SIZE);
	log_size = (log_size + 4095) & ~4095u;
	dump_off = dump_offset_for(size, log_size);
	if (dump_off + DUMPDISK_SB_AREA * 2 > size)
		return fail(err, -1, "log area of %u bytes leaves no room for a dump", log_size);
	memset(&sb, 0, sizeof(sb));
	sb.version = DUMPDISK_VERSION;
	memcpy(sb.uuid, uuid, 16);
	snprintf(sb.label, sizeof(sb.label), "%s", label ? label : "");
	sb.part_start = start;
	sb.part_size = size;
	sb.log_offset = DUMPDISK_SB_AREA;
	sb.log_size = log_size;
	sb.dump_offset = dump_off;
	sb.dump_size = backup_offset(size) - dump_off;
	sb.block_size = 4096;
	sb.state = DUMPDISK_EMPTY;
	sb.generation = 1;
	snprintf(sb.writer, sizeof(sb.writer), "dumpbox %s", DUMPBOX_VERSION);
	dumpdisk_sb_encode(b, &sb);
	zero = xcalloc(1, DUMPDISK_SB_AREA);
	/* The whole slots, so no stale bytes sit beside the superblocks. */
	memcpy(zero, b, sizeof(b));
	if (pwrite_all(fd, zero, DUMPDISK_SB_AREA, start + backup_offset(size)) < 0 ||
	    pwrite_all(fd, zero, DUMPDISK_SB_AREA, start) < 0) {
		free(zero);
		return fail(err, -1, "cannot write the superblock: %s", strerror(errno));
	}
	memset(zero, 0, DUMPDISK_SB_AREA);
	if (pwrite_all(fd, zero, DUMPDISK_LOG_HEADER, start + DUMPDISK_SB_AREA) < 0) {
		free(zero);
		return fail(err, -1, "cannot clear the log: %s", strerror(errno));
	}
	free(zero);
	if (fsync(fd) < 0 && errno != EINVAL)
		return fail(err, -1, "fsync failed: %s", strerror(errno));
	return 0;
}
