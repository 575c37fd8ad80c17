/* diskprep: prepare a dump disk, and read a dump back from it. Both
 * halves of what s390-tools does with `zipl -d` and `zgetdump`, for the
 * zipl SCSI dump layout and for our own (docs/FORMAT.md). */
//applet:diskprep
//config:config DISKPREP
//config:	bool "diskprep: prepare a dump disk, extract a dump from it"
//config:	default y
//config:	help
//config:	  usage: diskprep COMMAND [OPTIONS] DEVICE
//config:
//config:	  Prepare a partition, disk or image file to receive a crash dump,
//config:	  and copy the dump out again. Two layouts: dumpbox's own (default)
//config:	  and zipl's SCSI dump layout (what `zipl -d` writes, for s390
//config:	  zfcpdump; zgetdump reads it). docs/FORMAT.md describes both.
//config:
//config:	  Commands:
//config:	    prep DEVICE       write a dump superblock on a partition or image
//config:	                      file; on a whole disk without a partition table
//config:	                      create one (GPT, or DOS with --mbr) with one
//config:	                      dump partition first
//config:	    prep --layout zipl DISK [PARTNO] --dump-tool KERNEL INITRD
//config:	                      lay out what zipl -d writes for a SCSI dump
//config:	                      partition (PARTNO, default 1; a disk without a
//config:	                      table gets a DOS table with one partition)
//config:	    info DEVICE       layout, superblock, state and dump metadata
//config:	    check DEVICE      validate superblocks (and with --data, the dump's
//config:	                      checksum)
//config:	    extract DEVICE -o FILE
//config:	                      copy the dump out (FILE "-": standard output),
//config:	                      verifying its checksum; sparse where zero
//config:	    clear DEVICE      mark an extracted dump disk EMPTY again
//config:	    list              the dump disks of this machine
//config:
//config:	  Options:
//config:	    --label L         prep: a label to find the disk by (LABEL=L)
//config:	    --force           prep: overwrite filesystems, tables, dumps;
//config:	                      extract: copy a dump that is not COMPLETE, or
//config:	                      over an existing FILE; clear: an unextracted dump
//config:	    --allow-symlink   prep, extract, clear: accept a DEVICE that is a
//config:	                      symbolic link (e.g. /dev/disk/by-id/...)
//config:	    --mbr, --gpt      prep: the partition table to create (GPT)
//config:	    --no-table        prep: a whole disk without a table (superblock
//config:	                      at byte 0, as on a partition)
//config:	    --layout L        prep: dumpbox (default) or zipl
//config:	    --dump-tool K I   prep --layout zipl: dump kernel and initramfs
//config:	    --stage3 FILE     prep --layout zipl: s390-tools' stage3.bin loader
//config:	    --parmline S      prep --layout zipl: extra kernel parameters
//config:	    --log-size N      prep: bytes kept for the crashed kernel's log
//config:	    --require-fit     prep: refuse when the dump area is smaller than
//config:	                      this machine's memory (else a warning)
//config:	    --meminfo FILE    read MemTotal from FILE, not /proc/meminfo
//config:	    --data            check: also verify the dump's checksum
//config:	    -o FILE           extract: where to write the dump
//config:	    -q, --quiet       extract: no progress messages
//config:	    --json            info, list: machine-readable output
//config:	    --sysfs-root DIR  list: sysfs to scan (default /sys)
//config:	    --dev-root DIR    list: where device nodes are (default /dev)
//config:	    --help            this text
//config:
//config:	  Exit status: 0 success, 1 failed or damaged, 2 not a dump disk,
//config:	  3 the dump is not complete, 64 usage error.
//config:
//config:config DISKPREP_TEST_HOOKS
//config:	bool "Test hooks: write-trace recording and a test dump writer"
//config:	default y
//config:	depends on DISKPREP
//config:	help
//config:	  The power-loss tests need to record every write of the dump
//config:	  protocol (DUMPBOX_WRITE_TRACE=FILE) and to write a dump onto a
//config:	  prepared disk before the dump applet exists (the hidden command
//config:	  `diskprep _write-dump DEVICE FILE`). Costs a few hundred bytes.

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include "base/dumpbox.h"
#include "base/err.h"
#include "base/json.h"
#include "disk/diskreport.h"
#include "disk/dumpdisk.h"
#include "disk/dumpfind.h"
#include "disk/extract.h"
#include "disk/prep.h"
#include "disk/ptable.h"
#include "disk/zipl.h"

#define MIB (1024 * 1024ull)

struct diskprep {
	const char *cmd;
	const char *dev;
	const char *label;
	const char *layout;
	const char *kernel, *initrd, *stage3, *parmline;
	const char *output;
	const char *meminfo;
	const char *sysfs_root, *dev_root;
	const char *log_file;
	uint64_t log_size;
	uint32_t partno;
	int force, mbr, gpt, no_table, require_fit, data, json, quiet, incomplete;
	int allow_symlink;
};

enum {
	OPT_LABEL = 256, OPT_FORCE, OPT_MBR, OPT_GPT, OPT_LAYOUT, OPT_DUMP_TOOL, OPT_STAGE3,
	OPT_PARMLINE, OPT_LOG_SIZE, OPT_REQUIRE_FIT, OPT_MEMINFO, OPT_DATA, OPT_JSON,
	OPT_SYSFS_ROOT, OPT_DEV_ROOT, OPT_LOG, OPT_INCOMPLETE, OPT_NO_TABLE, OPT_HELP,
	OPT_ALLOW_SYMLINK,
};

static const struct option longopts[] = {
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "allow-symlink", no_argument, NULL, OPT_ALLOW_SYMLINK },
	{ "mbr", no_argument, NULL, OPT_MBR },
	{ "gpt", no_argument, NULL, OPT_GPT },
	{ "no-table", no_argument, NULL, OPT_NO_TABLE },
	{ "layout", required_argument, NULL, OPT_LAYOUT },
	{ "dump-tool", required_argument, NULL, OPT_DUMP_TOOL },
	{ "stage3", required_argument, NULL, OPT_STAGE3 },
	{ "parmline", required_argument, NULL, OPT_PARMLINE },
	{ "log-size", required_argument, NULL, OPT_LOG_SIZE },
	{ "require-fit", no_argument, NULL, OPT_REQUIRE_FIT },
	{ "meminfo", required_argument, NULL, OPT_MEMINFO },
	{ "data", no_argument, NULL, OPT_DATA },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT },
	{ "dev-root", required_argument, NULL, OPT_DEV_ROOT },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "incomplete", no_argument, NULL, OPT_INCOMPLETE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* ---- prep --------------------------------------------------------------- */

static uint64_t mem_total(const struct diskprep *ctx)
{
	const char *path = ctx->meminfo ? ctx->meminfo : "/proc/meminfo";
	FILE *f = fopen(path, "re");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	(void)fclose(f);	/* read only: nothing to lose */
	return (uint64_t)kb * 1024;
}

static void check_fit(const struct diskprep *ctx, uint64_t capacity)
{
	uint64_t mem = mem_total(ctx);

	if (!mem || capacity >= mem)
		return;
	if (ctx->require_fit)
		die(EXIT_DAMAGED, "the dump area (%.1f MiB) is smaller than this machine's memory "
		    "(%.1f MiB): %.1f MiB missing; refusing (--require-fit)", mib(capacity),
		    mib(mem), mib(mem - capacity));
	warnmsg("warning: the dump area (%.1f MiB) is smaller than this machine's memory "
		"(%.1f MiB): %.1f MiB missing, a full dump of it will not fit", mib(capacity),
		mib(mem), mib(mem - capacity));
}

static void *slurp(const char *path, size_t *len)
{
	int fd = xopen(path, O_RDONLY, 0);
	struct stat st;
	void *buf;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 30))
		die(EXIT_DAMAGED, "%s: not a regular file of sensible size", path);
	buf = xmalloc((size_t)st.st_size + 1);
	if (pread_full(fd, buf, (size_t)st.st_size, 0, NULL) < 0)
		die(EXIT_DAMAGED, "cannot read %s:", path);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static int cmd_prep(struct diskprep *ctx)
{
	struct prep_request rq = {
		.path = ctx->dev, .partno = ctx->partno, .mbr = ctx->mbr, .gpt = ctx->gpt,
		.no_table = ctx->no_table, .force = ctx->force, .allow_symlink = ctx->allow_symlink,
	};
	struct prep_plan p;
	const char *path = ctx->dev;
	struct err err;
	char us[37];
	uint8_t uuid[16];
	struct err e;

	rq.zipl = ctx->layout && strcmp(ctx->layout, "zipl") == 0;
	if (ctx->layout && !rq.zipl && strcmp(ctx->layout, "dumpbox") != 0)
		usage_error("unknown layout '%s' (dumpbox or zipl)", ctx->layout);
	if (rq.zipl && !ctx->kernel)
		usage_error("--layout zipl needs --dump-tool KERNEL INITRD");
	if (ctx->mbr && ctx->gpt)
		usage_error("--mbr and --gpt exclude each other");
	if (ctx->no_table && (rq.zipl || ctx->partno || ctx->mbr || ctx->gpt))
		usage_error("--no-table excludes --layout zipl, PARTNO, --mbr and --gpt");
	if (prep_plan(&rq, &p, &e) < 0)
		die(e.status, "%s", e.msg);

	if (uuid_generate(uuid) < 0)
		die(EXIT_DAMAGED, "no random numbers for the UUID:");
	/* Everything below writes. */
	if (p.new_table && prep_write_table(&rq, &p, uuid, &e) < 0)
		die(e.status, "%s", e.msg);
	if (rq.zipl) {
		struct zipl_tool tool = { .parmline = ctx->parmline };
		struct zipl_disk z;
		uint64_t est;

		tool.kernel = slurp(ctx->kernel, &tool.kernel_len);
		if (ctx->initrd)
			tool.initrd = slurp(ctx->initrd, &tool.initrd_len);
		if (ctx->stage3)
			tool.stage3 = slurp(ctx->stage3, &tool.stage3_len);
		est = tool.kernel_len + tool.initrd_len + ctx->log_size + 2 * MIB;
		check_fit(ctx, p.psize > est ? p.psize - est : 0);
		if (prep_wipe(&p, p.pstart, p.psize, &e) < 0)
			die(e.status, "%s", e.msg);
		if (zipl_write_layout(p.fd, p.sector, p.pstart, p.psize, p.partno, &tool,
				      (uint32_t)ctx->log_size, &z, &err) < 0)
			die(EXIT_DAMAGED, "%s: %s", path, err.msg);
		free((void *)tool.kernel);
		free((void *)tool.initrd);
		free((void *)tool.stage3);
		xfsync(p.fd, path);
		printf("%s: zipl SCSI dump layout on partition %u (%.1f MiB at byte %" PRIu64 "), "
		       "dump area %.1f MiB, superblock at byte %" PRIu64 "\n", path, p.partno,
		       mib(p.psize), p.pstart, mib(z.sb.dump_size), z.sb_off);
	} else {
		uint32_t log = (uint32_t)ctx->log_size;

		if (dumpdisk_capacity(p.psize, log))
			check_fit(ctx, dumpdisk_capacity(p.psize, log));
		if (prep_wipe(&p, p.pstart, p.psize, &e) < 0)
			die(e.status, "%s", e.msg);
		if (dumpdisk_format(p.fd, p.pstart, p.psize, ctx->label, log, uuid, &err) < 0)
			die(EXIT_DAMAGED, "%s: %s", path, err.msg);
		uuid_format(uuid, us);
		if (p.partno)
			printf("%s: dumpbox layout on partition %u (%.1f MiB at byte %" PRIu64 "), UUID %s\n",
			       path, p.partno, mib(p.psize), p.pstart, us);
		else
			printf("%s: dumpbox layout (%.1f MiB), UUID %s\n", path, mib(p.psize), us);
	}
	xfsync(p.fd, path);
	/* Let the kernel see the new partition (loop devices need -P). */
	if (p.new_table && p.isblk && ioctl(p.fd, BLKRRPART) < 0 && errno != EINVAL)
		warnmsg("warning: the kernel did not re-read the partition table of %s:", path);
	xclose(p.fd, path);
	return finish_stdout(EXIT_OK);
}

/* ---- info, check -------------------------------------------------------- */

/* What refuse_symlink() checked must hold when the device is opened: a
 * link put in its place in between is not followed. */
static int nofollow(const struct diskprep *ctx)
{
	return ctx->allow_symlink ? 0 : DUMPDISK_NOFOLLOW;
}

static int open_disk(struct diskprep *ctx, struct dumpdisk *d, int mode)
{
	int rc = dumpdisk_open(d, ctx->dev, mode);

	if (rc == EXIT_NOT_OURS || (rc && d->layout == DUMPDISK_NONE))
		die(rc ? rc : EXIT_NOT_OURS, "%s: %s", ctx->dev, d->err.msg);
	return rc;
}

static int state_status(const struct dumpdisk *d)
{
	return d->info.state == DUMPDISK_BUSY || d->info.state == DUMPDISK_INCOMPLETE
		       ? EXIT_INCOMPLETE : EXIT_OK;
}

static int cmd_info(struct diskprep *ctx)
{
	struct dumpdisk d;
	int rc = open_disk(ctx, &d, DUMPDISK_RDONLY);
	size_t loglen = 0;
	char *log = rc ? NULL : dumpdisk_read_log(&d, &loglen);

	if (rc) {
		warnmsg("%s: %s", ctx->dev, d.err.msg);
		dumpdisk_close(&d);
		return rc;
	}
	if (ctx->json)
		diskreport_json(stdout, ctx->dev, &d, log, loglen);
	else
		diskreport_text(stdout, ctx->dev, &d, log != NULL);
	free(log);
	rc = state_status(&d);
	dumpdisk_close(&d);
	return finish_stdout(rc);
}

static int verify_data(struct dumpdisk *d, int quiet)
{
	struct window w;
	struct extract_copy c = { .from = &w, .from_name = d->path, .to = -1 };
	struct err e;

	window_init(&w, d->fd, d->dump_base, d->info.dump_bytes, d->path);
	if (extract_copy(&c, &e) < 0) {
		if (!quiet)
			printf("data: unreadable at byte %" PRIu64 "\n", c.unreadable_at);
		return EXIT_DAMAGED;
	}
	if (c.crc != d->info.data_crc) {
		if (!quiet)
			printf("data: checksum MISMATCH (crc32 %08x, superblock says %08x)\n",
			       c.crc, d->info.data_crc);
		return EXIT_DAMAGED;
	}
	if (!quiet)
		printf("data: ok (crc32 %08x over %" PRIu64 " bytes)\n", c.crc, d->info.dump_bytes);
	return EXIT_OK;
}

static int cmd_check(struct diskprep *ctx)
{
	struct dumpdisk d;
	int rc = open_disk(ctx, &d, DUMPDISK_RDONLY), status = EXIT_OK;

	if (rc) {
		printf("%s: DAMAGED: %s\n", ctx->dev, d.err.msg);
		dumpdisk_close(&d);
		return finish_stdout(rc);
	}
	if (d.layout == DUMPDISK_OURS) {
		printf("primary superblock: %s\n", d.primary_ok ? "ok" : "DAMAGED");
		printf("backup superblock: %s\n", d.backup_ok ? "ok" : "DAMAGED");
		if (!d.primary_ok || !d.backup_ok)
			status = EXIT_DAMAGED;
	} else {
		printf("zipl superblock: ok\n");
		printf("zipl checksum: %s\n", d.z.csum_ok ? "ok" : "MISMATCH");
		if (!d.z.csum_ok)
			status = EXIT_DAMAGED;
	}
	printf("state: %s\n", dumpdisk_state_name(d.info.state));
	if (d.info.note)
		printf("note: %s\n", d.info.note);
	if (status == EXIT_OK)
		status = state_status(&d);
	if (ctx->data && d.info.state == DUMPDISK_COMPLETE) {
		if (d.info.flags & DUMPDISK_F_DATA_CRC) {
			rc = verify_data(&d, 0);
			if (rc)
				status = rc;
		} else {
			printf("data: no checksum recorded (written by another tool)\n");
		}
	}
	dumpdisk_close(&d);
	return finish_stdout(status);
}

/* ---- extract ------------------------------------------------------------ */

/* A line every 2 s: how far the copy is. */
struct progress {
	time_t start, last;
};

static void progress(void *arg, uint64_t pos, uint64_t size)
{
	struct progress *p = arg;
	double secs;

	if (time(NULL) - p->last < 2)
		return;
	p->last = time(NULL);
	secs = (double)(p->last - p->start);
	fprintf(stderr, "%s: %.0f of %.0f MiB (%.0f%%), %.1f MiB/s\n", applet_name, mib(pos),
		mib(size), 100.0 * (double)pos / (double)size, secs > 0 ? mib(pos) / secs : 0.0);
}

static int cmd_extract(struct diskprep *ctx)
{
	struct dumpdisk d;
	struct window w;
	char tmp[PATH_MAX];
	int to_stdout = strcmp(ctx->output, "-") == 0, out, sparse, rc;
	int crc_known;
	struct stat st;
	struct extract_copy c;
	struct progress pr = { .start = time(NULL) };
	uint64_t size;
	struct err e;

	/* Read-write, to record the extraction; a read-only device or
	 * image, or one another process writes (EBUSY: the dump there reads
	 * BUSY then), still extracts, with a warning below. */
	rc = dumpdisk_open(&d, ctx->dev, DUMPDISK_RDWR | nofollow(ctx));
	if (d.fd < 0 && (errno == EROFS || errno == EACCES || errno == EPERM || errno == EBUSY)) {
		dumpdisk_close(&d);
		rc = dumpdisk_open(&d, ctx->dev, DUMPDISK_RDONLY | nofollow(ctx));
	}
	if (rc == EXIT_NOT_OURS || d.layout == DUMPDISK_NONE)
		die(rc ? rc : EXIT_NOT_OURS, "%s: %s", ctx->dev, d.err.msg);
	if (rc)
		die(rc, "%s: %s", ctx->dev, d.err.msg);
	if (d.info.state != DUMPDISK_COMPLETE) {
		if (!ctx->force)
			die(d.info.state == DUMPDISK_EMPTY ? EXIT_NOT_OURS : EXIT_INCOMPLETE,
			    "%s: the dump is %s, not COMPLETE%s%s; --force copies what is there",
			    ctx->dev, dumpdisk_state_name(d.info.state),
			    d.info.note ? ": " : "", d.info.note ? d.info.note : "");
		warnmsg("WARNING: extracting a dump that is %s, not COMPLETE: the copy is "
			"probably truncated or mixed with older data (--force)",
			dumpdisk_state_name(d.info.state));
	}
	dumpdisk_window(&d, &w);
	size = w.size;
	crc_known = d.info.state == DUMPDISK_COMPLETE && (d.info.flags & DUMPDISK_F_DATA_CRC);
	if (to_stdout) {
		out = STDOUT_FILENO;
	} else {
		if (!ctx->force && stat(ctx->output, &st) == 0)
			die(EXIT_DAMAGED, "%s exists: remove it, or use --force", ctx->output);
		if (snprintf(tmp, sizeof(tmp), "%s.incomplete", ctx->output) >= (int)sizeof(tmp))
			die(EXIT_DAMAGED, "%s: file name too long", ctx->output);
		/* A stale or planted FILE.incomplete (a symbolic link too) is
		 * replaced, never followed: the copy is a new file, 0600. */
		if (unlink(tmp) < 0 && errno != ENOENT)
			die(EXIT_DAMAGED, "cannot remove %s:", tmp);
		out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (out < 0)
			die(EXIT_DAMAGED, "cannot create %s:", tmp);
	}
	sparse = fstat(out, &st) == 0 && S_ISREG(st.st_mode);
	c = (struct extract_copy){
		.from = &w, .from_name = ctx->dev, .to = out,
		.to_name = to_stdout ? "standard output" : tmp, .sparse = sparse,
		.progress = ctx->quiet ? NULL : progress, .arg = &pr,
	};
	pr.last = pr.start;
	if (extract_copy(&c, &e) < 0)
		die(e.status, "%s", e.msg);
	if (crc_known && c.crc != d.info.data_crc)
		die(EXIT_DAMAGED, "%s: checksum MISMATCH: the dump on disk is damaged (crc32 %08x, "
		    "superblock says %08x); what was read is in %s", ctx->dev, c.crc,
		    d.info.data_crc, to_stdout ? "the output" : tmp);
	if (!to_stdout) {
		xfsync(out, tmp);
		xclose(out, tmp);
		if (rename(tmp, ctx->output) < 0)
			die(EXIT_DAMAGED, "cannot rename %s to %s:", tmp, ctx->output);
	} else if (finish_stdout(EXIT_OK) != EXIT_OK) {
		return EXIT_DAMAGED;
	}
	if (d.info.state != DUMPDISK_COMPLETE) {
		warnmsg("WARNING: %s holds a %s dump: %" PRIu64 " bytes copied, not marked extracted",
			ctx->dev, dumpdisk_state_name(d.info.state), size);
		dumpdisk_close(&d);
		return EXIT_INCOMPLETE;
	}
	if (!(d.info.flags & DUMPDISK_F_EXTRACTED)) {
		if (!d.writable)
			warnmsg("warning: %s is read-only or in use: cannot record that the dump "
				"was extracted",
				ctx->dev);
		else if (dumpdisk_set_extracted(&d) < 0)
			die(EXIT_DAMAGED, "%s: %s", ctx->dev, d.err.msg);
	}
	if (!ctx->quiet)
		fprintf(stderr, "%s: %" PRIu64 " bytes%s\n", applet_name, size,
			crc_known ? ", checksum ok" : ", no checksum recorded");
	dumpdisk_close(&d);
	return EXIT_OK;
}

/* ---- clear, list ------------------------------------------------------ */

static int cmd_clear(struct diskprep *ctx)
{
	struct dumpdisk d;
	int rc = open_disk(ctx, &d, DUMPDISK_RDWR | nofollow(ctx));

	if (rc && !ctx->force)
		die(rc, "%s: %s; --force clears it anyway", ctx->dev, d.err.msg);
	if (rc && d.layout == DUMPDISK_OURS && !d.primary_ok && !d.backup_ok)
		die(rc, "%s: %s: prepare it again with 'diskprep prep --force'", ctx->dev, d.err.msg);
	if (d.info.state == DUMPDISK_EMPTY) {
		printf("%s: already EMPTY\n", ctx->dev);
		dumpdisk_close(&d);
		return finish_stdout(EXIT_OK);
	}
	if (dumpdisk_may_overwrite(&d) < 0) {
		if (!ctx->force)
			die(EXIT_DAMAGED, "%s %s: run 'diskprep extract' first, or use --force",
			    ctx->dev, d.err.msg);
		warnmsg("WARNING: discarding a dump that was never extracted (--force)");
	}
	if (dumpdisk_clear(&d) < 0)
		die(EXIT_DAMAGED, "%s: %s", ctx->dev, d.err.msg);
	printf("%s: EMPTY\n", ctx->dev);
	dumpdisk_close(&d);
	return finish_stdout(EXIT_OK);
}

static int cmd_list(struct diskprep *ctx)
{
	struct dumpdisk_found *v;
	size_t n = dumpdisk_scan(ctx->sysfs_root, ctx->dev_root, &v);
	struct json j;

	if (ctx->json) {
		json_init(&j, stdout);
		json_array(&j, NULL);
	} else if (n) {
		printf("%-16s %-8s %-10s %10s %-36s %-12s %s\n", "DEVICE", "LAYOUT", "STATE",
		       "AREA_MIB", "UUID", "LABEL", "PATHS");
	}
	for (size_t i = 0; i < n; i++) {
		const struct dumpdisk_found *f = &v[i];
		const char *state = f->status ? "DAMAGED" : dumpdisk_state_name(f->info.state);

		if (ctx->json) {
			json_object(&j, NULL);
			json_str(&j, "device", f->dev);
			json_str(&j, "layout", dumpdisk_layout_name(f->layout));
			json_str(&j, "state", state);
			json_bool(&j, "extracted", !!(f->info.flags & DUMPDISK_F_EXTRACTED));
			json_u64(&j, "dump_area_size", f->info.capacity);
			json_u64(&j, "dump_bytes", f->info.dump_bytes);
			json_str(&j, "uuid", f->info.uuid[0] ? f->info.uuid : NULL);
			json_str(&j, "label", f->info.label[0] ? f->info.label : NULL);
			json_u64(&j, "paths", (uint64_t)f->paths);
			json_end(&j);
		} else {
			printf("%-16s %-8s %-10s %10.0f %-36s %-12s %d\n", f->dev,
			       dumpdisk_layout_name(f->layout), state, mib(f->info.capacity),
			       f->info.uuid[0] ? f->info.uuid : "-", f->info.label[0] ? f->info.label : "-",
			       f->paths);
		}
	}
	if (ctx->json)
		json_finish(&j);
	free(v);
	return finish_stdout(EXIT_OK);
}

/* ---- the test hook: write a dump as the dump applet will ------------- */

static int cmd_write_dump(struct diskprep *ctx, const char *file)
{
	struct dumpdisk d;
	struct dumpdisk_meta m = { .format = DUMPDISK_FMT_ELF, .kernel_release = "test" };
	size_t len, loglen = 0;
	uint8_t *data = slurp(file, &len);
	char *log = ctx->log_file ? slurp(ctx->log_file, &loglen) : NULL;
	int rc = open_disk(ctx, &d, DUMPDISK_RDWR | nofollow(ctx));
	uint64_t cap, fit, chunk = 64 * 1024;

	if (rc)
		die(rc, "%s: %s", ctx->dev, d.err.msg);
	if (!ctx->force && dumpdisk_may_overwrite(&d) < 0)
		die(EXIT_DAMAGED, "%s %s", ctx->dev, d.err.msg);
	if (dumpdisk_begin(&d, &m, log, loglen) < 0)
		die(EXIT_DAMAGED, "%s: %s", ctx->dev, d.err.msg);
	cap = d.info.capacity;
	fit = len < cap ? len : cap;
	/* zfcpdump's order: everything after the first page, the first
	 * page (the ELF header) last. */
	for (uint64_t off = 4096; off < fit; off += chunk) {
		size_t n = fit - off < chunk ? (size_t)(fit - off) : (size_t)chunk;

		if (dumpdisk_write(&d, data + off, n, off) < 0)
			die(EXIT_DAMAGED, "%s: %s", ctx->dev, d.err.msg);
	}
	if (fit && dumpdisk_write(&d, data, fit < 4096 ? (size_t)fit : 4096, 0) < 0)
		die(EXIT_DAMAGED, "%s: %s", ctx->dev, d.err.msg);
	if (fit < len || ctx->incomplete) {
		if (dumpdisk_finish(&d, DUMPDISK_INCOMPLETE, fit, "dump area full") < 0)
			die(EXIT_DAMAGED, "%s: %s", ctx->dev, d.err.msg);
		printf("%s: INCOMPLETE, %" PRIu64 " of %zu bytes\n", ctx->dev, fit, len);
		rc = EXIT_INCOMPLETE;
	} else {
		if (dumpdisk_finish(&d, DUMPDISK_COMPLETE, len, NULL) < 0)
			die(EXIT_DAMAGED, "%s: %s", ctx->dev, d.err.msg);
		printf("%s: COMPLETE, %zu bytes\n", ctx->dev, len);
		rc = EXIT_OK;
	}
	dumpdisk_close(&d);
	free(data);
	free(log);
	return finish_stdout(rc);
}

/* Commands that write to DEVICE want the device itself: a symbolic link
 * can be changed under them (a udev rule, a link planted in a directory
 * others can write), and the disk written is then another. Reading
 * (info, check) follows links. */
static void refuse_symlink(const struct diskprep *ctx)
{
	char real[PATH_MAX];
	struct stat st;

	if (ctx->allow_symlink || lstat(ctx->dev, &st) < 0 || !S_ISLNK(st.st_mode))
		return;
	if (realpath(ctx->dev, real))
		usage_error("%s is a symbolic link to %s: name the device itself, or add "
			    "--allow-symlink", ctx->dev, real);
	usage_error("%s is a symbolic link: name the device itself, or add --allow-symlink",
		    ctx->dev);
}

int diskprep_main(int argc, char **argv)
{
	struct diskprep ctx = { .log_size = DUMPDISK_LOG_DEFAULT };
	int c;

	/* --dump-tool takes two words, KERNEL INITRD, which getopt cannot
	 * express: take them out before it permutes argv. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--dump-tool") != 0)
			continue;
		if (i + 2 >= argc)
			usage_error("--dump-tool needs KERNEL and INITRD");
		ctx.kernel = argv[i + 1];
		ctx.initrd = argv[i + 2];
		memmove(&argv[i], &argv[i + 3], (size_t)(argc - i - 3 + 1) * sizeof(*argv));
		argc -= 3;
		i--;
	}
	while ((c = getopt_long(argc, argv, "o:q", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LABEL:
			if (strlen(optarg) > 63)
				usage_error("a label has at most 63 bytes");
			ctx.label = optarg;
			break;
		case OPT_FORCE: ctx.force = 1; break;
		case OPT_ALLOW_SYMLINK: ctx.allow_symlink = 1; break;
		case OPT_MBR: ctx.mbr = 1; break;
		case OPT_GPT: ctx.gpt = 1; break;
		case OPT_NO_TABLE: ctx.no_table = 1; break;
		case OPT_LAYOUT: ctx.layout = optarg; break;
		case OPT_DUMP_TOOL:	/* taken out of argv above */
			break;
		case OPT_STAGE3: ctx.stage3 = optarg; break;
		case OPT_PARMLINE: ctx.parmline = optarg; break;
		case OPT_LOG_SIZE:
			if (parse_u64(optarg, &ctx.log_size) < 0 || ctx.log_size > (64u << 20))
				usage_error("bad --log-size '%s' (bytes, at most 64 MiB)", optarg);
			break;
		case OPT_REQUIRE_FIT: ctx.require_fit = 1; break;
		case OPT_MEMINFO: ctx.meminfo = optarg; break;
		case OPT_DATA: ctx.data = 1; break;
		case OPT_JSON: ctx.json = 1; break;
		case 'q': ctx.quiet = 1; break;
		case 'o': ctx.output = optarg; break;
		case OPT_SYSFS_ROOT: ctx.sysfs_root = optarg; break;
		case OPT_DEV_ROOT: ctx.dev_root = optarg; break;
		case OPT_LOG: ctx.log_file = optarg; break;
		case OPT_INCOMPLETE: ctx.incomplete = 1; break;
		case OPT_HELP: show_usage();
		default: usage_bad_option(argv);
		}
	}
	if (optind >= argc)
		usage_error("no command (prep, info, check, extract, clear, list)");
	ctx.cmd = argv[optind++];
	if (strcmp(ctx.cmd, "list") == 0) {
		if (optind < argc)
			usage_error("list takes no device");
		return cmd_list(&ctx);
	}
	if (optind >= argc)
		usage_error("%s needs a DEVICE", ctx.cmd);
	ctx.dev = argv[optind++];
	if (strcmp(ctx.cmd, "info") != 0 && strcmp(ctx.cmd, "check") != 0)
		refuse_symlink(&ctx);
	if (strcmp(ctx.cmd, "prep") == 0) {
		if (optind < argc) {
			uint64_t p;

			if (parse_u64(argv[optind], &p) < 0 || p == 0 || p > 128)
				usage_error("bad partition number '%s'", argv[optind]);
			ctx.partno = (uint32_t)p;
			optind++;
		}
	}
	if (IS_ENABLED(CONFIG_DISKPREP_TEST_HOOKS) && strcmp(ctx.cmd, "_write-dump") == 0) {
		if (optind + 1 != argc)
			usage_error("_write-dump DEVICE FILE");
		return cmd_write_dump(&ctx, argv[optind]);
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (strcmp(ctx.cmd, "prep") == 0)
		return cmd_prep(&ctx);
	if (strcmp(ctx.cmd, "info") == 0)
		return cmd_info(&ctx);
	if (strcmp(ctx.cmd, "check") == 0)
		return cmd_check(&ctx);
	if (strcmp(ctx.cmd, "extract") == 0) {
		if (!ctx.output)
			usage_error("extract needs -o FILE (or -o - for standard output)");
		return cmd_extract(&ctx);
	}
	if (strcmp(ctx.cmd, "clear") == 0)
		return cmd_clear(&ctx);
	usage_error("unknown command '%s'", ctx.cmd);
}
