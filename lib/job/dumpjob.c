#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/compress.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "base/json.h"
#include "core/elflayout.h"
#include "core/printk.h"
#include "disk/dumpfind.h"
#include "job/dumpjob.h"
#include "job/triage.h"
#include "sys/nfs.h"
#include "sys/ssh.h"
#include "write/dump.h"
#include "write/dumptarget.h"
#include "write/kdumpwrite.h"
#include "write/pagefilter.h"
#include "write/pipeline.h"

void dumpjob_init(struct dumpjob *j)
{
	memset(j, 0, sizeof(*j));
	j->source = "/proc/vmcore";
	j->progress_secs = 5;
	j->stall_secs = DUMPJOB_STALL_DEFAULT;
	j->reipl = 1;
	j->roots.sysfs = "/sys";
	j->roots.debugfs = "/sys/kernel/debug";
	j->dev_root = "/dev";
	j->win.fd = -1;
	j->ssh_fd = -1;
}

/* ---- settings ----------------------------------------------------------- */

static int parse_level(const char *name, const char *val, unsigned *out, struct err *e)
{
	uint64_t n;

	if (parse_u64(val, &n) < 0 || n > DL_MAX)
		return err_ret(e, EXIT_USAGE, "%s takes a dump level (0-%u), not '%s'", name,
			       DL_MAX, val);
	*out = (unsigned)n;
	return 0;
}

static int parse_fallback(struct dumpjob_settings *s, const char *val, struct err *e)
{
	const char *p = val;

	s->nfallback = 0;
	for (;;) {
		char one[24];
		size_t n = strcspn(p, ",");

		if (s->nfallback == sizeof(s->fallback) / sizeof(s->fallback[0]))
			return err_ret(e, EXIT_USAGE, "fallback takes at most %zu levels",
				       s->nfallback);
		if (n == 0 || n >= sizeof(one))
			return err_ret(e, EXIT_USAGE, "fallback takes dump levels N,N,..., not '%s'",
				       val);
		memcpy(one, p, n);
		one[n] = '\0';
		if (parse_level("fallback", one, &s->fallback[s->nfallback], e) < 0)
			return -1;
		s->nfallback++;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

int dumpjob_set(struct dumpjob_settings *s, const char *name, const char *val, struct err *e)
{
	uint64_t n;

	if (strcmp(name, "format") == 0) {
		if (strcmp(val, "elf") == 0)
			s->format = DUMP_FORMAT_ELF;
		else if (strcmp(val, "kdump") == 0)
			s->format = DUMP_FORMAT_KDUMP;
		else
			return err_ret(e, EXIT_USAGE, "format takes elf or kdump, not '%s'", val);
		return 0;
	}
	if (strcmp(name, "level") == 0 || strcmp(name, "dump-level") == 0) {
		if (parse_level(name, val, &s->dump_level, e) < 0)
			return -1;
		s->level_set = 1;
		return 0;
	}
	if (strcmp(name, "compress") == 0) {
		s->compress = val;
		return 0;
	}
	if (strcmp(name, "fallback") == 0)
		return parse_fallback(s, val, e);
	if (strcmp(name, "threads") == 0) {
		if (parse_u64(val, &n) < 0 || n > 1024)
			return err_ret(e, EXIT_USAGE, "threads takes a number (0-1024), not '%s'",
				       val);
		s->threads = (unsigned)n;
		return 0;
	}
	if (strcmp(name, "stall") == 0) {
		if (parse_u64(val, &n) < 0 || n > 86400)
			return err_ret(e, EXIT_USAGE, "stall takes seconds (0-86400; 0: never), "
				       "not '%s'", val);
		s->stall = (unsigned)n;
		s->stall_set = 1;
		return 0;
	}
	return err_ret(e, EXIT_USAGE, "no setting '%s'", name);
}

int dumpjob_apply(struct dumpjob *j, const struct dumpjob_settings *s, int capture,
		  struct err *e)
{
	enum codec codec;

	if (s->compress && s->format != DUMP_FORMAT_KDUMP)
		return err_ret(e, EXIT_USAGE, "compress needs format kdump, not elf");
	/* The caller puts its own spelling (--compress, dumpbox.compress)
	 * in front of the message. */
	if (codec_choose(s->compress, &codec, &j->codec_level, e) < 0)
		return -1;
	j->format = s->format;
	j->codec = codec;
	j->dump_level = s->dump_level;
	if (capture && s->format == DUMP_FORMAT_KDUMP && !s->level_set)
		j->dump_level = DL_MAX;
	j->threads = s->threads;
	memcpy(j->fallback, s->fallback, sizeof(j->fallback));
	j->nfallback = s->nfallback;
	j->stall_secs = s->stall_set ? s->stall : DUMPJOB_STALL_DEFAULT;
	j->elf_on_zipl = capture;
	if (s->debug)
		j->debug = (int)s->debug;
	return 0;
}

void dumpjob_describe(const struct dumpjob *j, char *buf, size_t len)
{
	if (j->format == DUMP_FORMAT_KDUMP && j->codec_level)
		snprintf(buf, len, "kdump-compressed %s (level %d), dump level %u",
			 codec_name((enum codec)j->codec), j->codec_level, j->dump_level);
	else if (j->format == DUMP_FORMAT_KDUMP)
		snprintf(buf, len, "kdump-compressed %s, dump level %u",
			 codec_name((enum codec)j->codec), j->dump_level);
	else if (j->dump_level)
		snprintf(buf, len, "ELF, dump level %u (left-out pages read as zeros)",
			 j->dump_level);
	else
		snprintf(buf, len, "ELF (every page)");
}

static void debug_log(const char *what)
{
	fprintf(stderr, "%s: %s\n", applet_name, what);
}

/* The final word, on the console, as the reference tool prints it. */
static int dump_failed(int status, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int dump_failed(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("Dump failed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

void dumpjob_s390_prepare(struct dumpjob *j)
{
	char type[64];

	j->prepared = 1;
	if (s390_ipl_type(&j->roots, type, sizeof(type)) < 0 || strcmp(type, "fcp_dump") != 0)
		return;
	j->fcp_dump = 1;
	struct s390_ipl_fcp ipl;

	if (s390_read_ipl_fcp(&j->roots, &ipl) == 0 &&
	    s390_zfcp_online(&j->roots, &ipl, j->debug ? debug_log : NULL) == 0 && j->debug)
		fprintf(stderr, "%s: IPL device %s wwpn %s lun %s is online\n",
			applet_name, ipl.device, ipl.wwpn, ipl.lun);
	/* Failing here is not the end: the disk may be online already, and
	 * the lookup below says clearly if it is not. */
}

static int hsa_release(void *arg)
{
	struct dumpjob *j = arg;

	if (j->debug)
		debug_log("releasing the HSA (echo 0 > zcore/hsa)");
	return s390_hsa_release(&j->roots);
}

/* The kernel log, formatted as makedumpfile prints it, into a growing
 * buffer capped at max bytes (the newest part is what matters: keep the
 * tail). */

/* The dump disk j->target names. EXIT_NOT_OURS (with e) when there is
 * none: the target may be a filesystem. */
static int find_disk(struct dumpjob *j, struct err *e)
{
	struct dumpdisk_found found;
	const char *path = j->target;
	int rc;

	/* UUID=, LABEL= or nothing: look through the machine's disks. A
	 * path is opened as given. */
	if (!path || strncmp(path, "UUID=", 5) == 0 || strncmp(path, "LABEL=", 6) == 0) {
		rc = dumpdisk_lookup(path, j->roots.sysfs, j->dev_root, &found, e);
		if (rc)
			return rc == EXIT_USAGE ? EXIT_USAGE : EXIT_NOT_OURS;
		path = found.dev;
	}
	rc = dumpdisk_open(&j->disk, path, j->dry_run ? DUMPDISK_RDONLY : DUMPDISK_RDWR);
	if (rc) {
		err_set(e, rc, "%s: %s", path, j->disk.err.msg);
		dumpdisk_close(&j->disk);
		return rc;
	}
	snprintf(j->file, sizeof(j->file), "%s", path);
	return EXIT_OK;
}

static int open_disk(struct dumpjob *j)
{
	const char *path = j->file;

	j->have_disk = 1;
	/* zgetdump and the zipl tools read an ELF dump there, nothing else. */
	if (j->format == DUMP_FORMAT_KDUMP && j->disk.layout == DUMPDISK_ZIPL && j->elf_on_zipl) {
		warnmsg("%s: a zipl dump disk holds ELF dumps only (zgetdump reads nothing "
			"else): writing ELF", path);
		j->format = DUMP_FORMAT_ELF;
	}
	if (j->format == DUMP_FORMAT_KDUMP && j->disk.layout == DUMPDISK_ZIPL)
		return dump_failed(EXIT_USAGE, "%s: a zipl dump disk holds ELF dumps only (zgetdump "
				   "reads nothing else): use --format elf, or a dumpbox-layout disk",
				   path);
	if (!j->force && !j->dry_run && dumpdisk_may_overwrite(&j->disk) < 0)
		return dump_failed(EXIT_DAMAGED, "%s: %s (--force overwrites it)", path, j->disk.err.msg);
	return EXIT_OK;
}

/* ---- a filesystem ------------------------------------------------------- */

/* The page filter of level, built once: never fatal, what it cannot
 * classify is dumped (pf.warning says what). */
static struct pagefilter *job_filter(struct dumpjob *j, unsigned level)
{
	if (j->pf_built && j->pf_level == level)
		return &j->pf;
	if (j->pf_built)
		pagefilter_free(&j->pf);
	pagefilter_build(&j->vc, level, &j->pf);
	j->pf_level = level;
	j->pf_built = 1;
	return &j->pf;
}

/* What the dump will take there at most: ELF's size is exact; kdump's
 * is an upper bound (the kept pages before compression). */
static uint64_t size_bound(struct dumpjob *j)
{
	struct dump_opts o = { .format = j->format, .dump_level = j->dump_level };

	if (j->format != DUMP_FORMAT_KDUMP)
		return vmcore_elf_size(&j->vc);
	if (j->dump_level & ~DL_ZERO)
		o.filter = job_filter(j, j->dump_level);
	return dump_kdump_size_bound(&j->vc, &o);
}

/* The dump directory made in the mounted filesystem, the space checked;
 * then the dump goes there as into --output DIR. */
static int fs_ready(struct dumpjob *j, const char *path, struct err *e)
{
	uint64_t free_bytes, need;

	if (fsmount_mkpath(&j->fsm, path, j->fsdir, sizeof(j->fsdir), e) < 0 ||
	    fsmount_free(j->fsdir, &free_bytes, e) < 0)
		return e->status;
	need = size_bound(j);
	if (free_bytes < need && j->format != DUMP_FORMAT_KDUMP)
		return err_fail(e, EXIT_INCOMPLETE, "%s: %" PRIu64 " MiB free in %s, the dump takes "
				"%" PRIu64 " MiB: no dump there", j->fs.dev, free_bytes >> 20, path,
				need >> 20);
	/* kdump: the bound is before compression; a dump that does not fit
	 * ends INCOMPLETE, and the fallback levels are tried. */
	if (free_bytes < need)
		warnmsg("%s: %" PRIu64 " MiB free in %s, the dump is at most %" PRIu64 " MiB "
			"before compression: it may not fit", j->fs.dev, free_bytes >> 20, path,
			need >> 20);
	j->output = j->fsdir;
	return EXIT_OK;
}

/* dumpbox.path, or kdump-tools' /var/crash. */
static const char *dump_path(const struct dumpjob *j)
{
	return j->path && *j->path ? j->path : DUMPJOB_DEFAULT_PATH;
}

/* The filesystem j->target names, mounted. A dry run mounts nothing. */
static int open_fs(struct dumpjob *j, struct err *e)
{
	const char *path = dump_path(j);
	const struct fs_info *fi = &j->fs.info;
	int rc;

	rc = fs_lookup(j->target, j->roots.sysfs, j->dev_root, &j->fs, e);
	if (rc)
		return rc;
	j->have_fs = 1;
	if (fi->external_journal)
		return err_fail(e, EXIT_DAMAGED, "%s: its journal needs recovery and is on another "
				"device: the dump kernel cannot replay it (no dump there)", j->fs.dev);
	if (fi->errors)
		warnmsg("%s: the filesystem has recorded errors: fsck it after the dump", j->fs.dev);
	if (j->dry_run) {
		snprintf(j->file, sizeof(j->file), "%s (%s%s%s), in %s", j->fs.dev, fi->type,
			 fi->label[0] ? " LABEL=" : "", fi->label, path);
		return EXIT_OK;
	}
	if (fsmount_mount(&j->fsm, j->fs.dev, fi->type, e) < 0)
		return e->status;
	return fs_ready(j, path, e);
}

/* ---- over the network --------------------------------------------------- */

static int make_dump_dir(struct dumpjob *j);

static int is_target(const struct dumpjob *j, const char *kind)
{
	return j->target && strncmp(j->target, kind, strlen(kind)) == 0;
}

/* An NFS export: the kernel's client mounts it, then it is a filesystem. */
static int open_nfs(struct dumpjob *j, struct err *e)
{
	const char *path = dump_path(j);
	struct nfs_spec n;

	if (j->dry_run) {
		if (nfs_check(j->target + 4, e) < 0)
			return e->status;
		snprintf(j->file, sizeof(j->file), "%s (NFS), in %s", j->target + 4, path);
		return EXIT_OK;
	}
	if (nfs_parse(j->target + 4, &n, e) < 0)
		return e->status;
	snprintf(j->fs.dev, sizeof(j->fs.dev), "%s", n.dev);
	j->have_nfs = 1;
	if (j->debug)
		fprintf(stderr, "%s: mounting %s as nfs4 (%s)\n", applet_name, n.dev, n.data);
	if (fsmount_mount_data(&j->fsm, n.dev, "nfs4", n.data, e) < 0)
		return e->status;
	return fs_ready(j, path, e);
}

/* Run "cd RDIR && WHAT" on the server. */
static int ssh_in_dir(struct dumpjob *j, const char *what, int in_fd, struct err *e)
{
	char q[4200], cmd[4400];

	if (ssh_quote(j->rdir, q, sizeof(q)) < 0 ||
	    snprintf(cmd, sizeof(cmd), "cd %s && %s", q, what) >= (int)sizeof(cmd))
		return err_ret(e, EXIT_USAGE, "%s: path too long", j->rdir);
	return ssh_run(&j->ssh, cmd, in_fd, e);
}

/* Copy a file of the local dump directory into the server's. */
static void ssh_copy(struct dumpjob *j, const char *name)
{
	char local[4200], cmd[128];
	struct err e;
	int fd;

	snprintf(local, sizeof(local), "%s/%s", j->dir, name);
	fd = open(local, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	snprintf(cmd, sizeof(cmd), "cat > %s", name);
	if (ssh_in_dir(j, cmd, fd, &e) < 0)
		warnmsg("%s was not copied to the server: %s", name, e.msg);
	close(fd);
}

/* The server's dump directory made (a new one, in dumpbox.path), and the
 * stream into vmcore.flat.incomplete started. Only we rename it, and
 * only once the stream has ended cleanly and the server's cat has exited
 * 0: a cut connection leaves the name that says incomplete. */
static int open_ssh(struct dumpjob *j, struct dump_target *t, struct err *e)
{
	const char *path = dump_path(j);
	struct ssh *s = &j->ssh;
	char qpath[4200], qdir[4200], cmd[8500];
	const char *base;
	int rc;

	if (ssh_parse(j->target + 4, &s->dest, e) < 0)
		return e->status;
	s->client = j->ssh_client ? j->ssh_client : SSH_CLIENT_DEFAULT;
	s->key = j->ssh_key ? j->ssh_key : SSH_KEY_DEFAULT;
	s->known_hosts = j->ssh_known_hosts ? j->ssh_known_hosts : SSH_KNOWN_HOSTS_DEFAULT;
	s->cipher = j->ssh_cipher;
	if (j->dry_run) {
		snprintf(j->file, sizeof(j->file), "%s@%s:%s (ssh)", s->dest.user, s->dest.host, path);
		return EXIT_OK;
	}
	if (ssh_open(s, e) < 0)
		return e->status;
	j->have_ssh = 1;
	snprintf(j->stage, sizeof(j->stage), "/run/dumpbox-stage-XXXXXX");
	if (!mkdtemp(j->stage)) {
		j->stage[0] = '\0';
		return err_fail(e, EXIT_DAMAGED, "cannot make a directory in /run: %s",
				strerror(errno));
	}
	j->output = j->stage;
	rc = make_dump_dir(j);
	if (rc)
		return err_fail(e, rc, "cannot make the local dump directory");
	base = strrchr(j->dir, '/') + 1;
	if (snprintf(j->rdir, sizeof(j->rdir), "%s/%s", path, base) >= (int)sizeof(j->rdir) ||
	    ssh_quote(path, qpath, sizeof(qpath)) < 0 || ssh_quote(j->rdir, qdir, sizeof(qdir)) < 0)
		return err_fail(e, EXIT_USAGE, "%s: path too long", path);
	/* First the directory, on a connection of its own: a server that
	 * does not answer or refuses us is found before anything streams,
	 * and dmesg.txt can go there next. */
	if (snprintf(cmd, sizeof(cmd), "mkdir -p %s && mkdir %s", qpath, qdir) >= (int)sizeof(cmd))
		return err_fail(e, EXIT_USAGE, "%s: path too long", path);
	if (ssh_run(s, cmd, -1, e) < 0)
		return e->status;
	if (snprintf(cmd, sizeof(cmd), "cat > %s/vmcore.flat.incomplete", qdir) >= (int)sizeof(cmd) ||
	    snprintf(j->file, sizeof(j->file), "%s@%s:%s/vmcore.flat", s->dest.user,
		     s->dest.host, j->rdir) >= (int)sizeof(j->file))
		return err_fail(e, EXIT_USAGE, "%s: path too long", path);
	if (ssh_start(s, cmd, &j->ssh_pid, &j->ssh_fd, e) < 0)
		return e->status;
	dump_target_flat(t, j->ssh_fd, j->file);
	return EXIT_OK;
}

/* Whether the dump is whole: exit 0, or 1 for unreadable source pages
 * (zeros there) but not for a write that failed (also 1: EIO). */
static int dump_whole(const struct dump_target *t, int status)
{
	return status == EXIT_OK || (status == EXIT_DAMAGED && !t->error);
}

/* The stream ended (rc: how the dump went): the server's side is checked
 * and the dump named complete there. Returns the dump's status. */
static int finish_ssh(struct dumpjob *j, struct dump_target *t, int rc)
{
	char cmd[256];
	struct err e;
	int fd = j->ssh_fd;

	j->ssh_fd = -1;
	if (close(fd) < 0 && rc == EXIT_OK)
		rc = EXIT_INCOMPLETE;
	if (ssh_wait(&j->ssh, j->ssh_pid, &e) < 0) {
		if (rc == EXIT_OK || rc == EXIT_DAMAGED)
			rc = EXIT_INCOMPLETE;
		snprintf(t->reason, sizeof(t->reason), "%s", e.msg);
	}
	j->ssh_pid = 0;
	if (!j->quiet)
		fprintf(stderr, "%s: the SSH client used %.1f s of CPU (%s) for %.1f MiB\n",
			applet_name, j->ssh.cpu, j->ssh_cipher ? j->ssh_cipher :
			SSH_CIPHER_DEFAULT, (double)dump_target_flat_bytes(t) / 1048576.0);
	/* Dropbear reports a server command killed by a signal as exit 0:
	 * the server must also hold every byte sent before it is renamed. */
	snprintf(cmd, sizeof(cmd), "test \"$(wc -c < vmcore.flat.incomplete)\" -eq %" PRIu64
		 " && { sync vmcore.flat.incomplete 2>/dev/null || sync; } && "
		 "mv vmcore.flat.incomplete vmcore.flat", dump_target_flat_bytes(t));
	if (dump_whole(t, rc) && ssh_in_dir(j, cmd, -1, &e) < 0) {
		snprintf(t->reason, sizeof(t->reason), "the dump was sent but not renamed "
			 "complete: %.400s", e.msg);
		rc = EXIT_INCOMPLETE;
	}
	return rc;
}

/* The staging directory's files, once copied. */
static void remove_stage(struct dumpjob *j)
{
	char p[4200];

	if (!j->stage[0])
		return;
	if (j->dir[0]) {
		snprintf(p, sizeof(p), "%s/dmesg.txt", j->dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/info.json", j->dir);
		unlink(p);
		rmdir(j->dir);
	}
	rmdir(j->stage);
	j->stage[0] = '\0';
}

/* ---- files -------------------------------------------------------------- */

static int make_dump_dir(struct dumpjob *j)
{
	time_t t = time(NULL);
	struct tm tm;
	char stamp[32];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "dump-%Y%m%d-%H%M%S", &tm);
	if (snprintf(j->dir, sizeof(j->dir), "%s/%s", j->output, stamp) >= (int)sizeof(j->dir))
		return dump_failed(EXIT_USAGE, "%s: path too long", j->output);
	if (!j->dry_run && mkdir(j->dir, 0700) < 0)
		return dump_failed(EXIT_DAMAGED, "cannot create %s: %s", j->dir, strerror(errno));
	if (snprintf(j->file, sizeof(j->file), "%s/vmcore", j->dir) >= (int)sizeof(j->file))
		return dump_failed(EXIT_USAGE, "%s: path too long", j->output);
	return EXIT_OK;
}

static int write_dmesg_file(struct dumpjob *j)
{
	char path[4200];
	struct err err;
	size_t len;
	char *log = printk_log_text(&j->vc, 0, SIZE_MAX, &len, &err);
	int fd, rc = 0;

	if (err.msg[0])
		warnmsg("the kernel log of the dump is not readable: %s", err.msg);
	if (!log)
		return 0;
	snprintf(path, sizeof(path), "%s/dmesg.txt", j->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, log, len) < 0 || fsync(fd) < 0) {
		warnmsg("writing %s failed:", path);
		rc = -1;
	}
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	free(log);
	return rc;
}

/* The dump's peak resident memory in KiB (VmHWM), 0 if unknown: what a
 * capture kernel's crashkernel= must leave room for. */
static uint64_t peak_rss_kib(void)
{
	char line[128];
	uint64_t kib = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + 6;

		if (strncmp(line, "VmHWM:", 6) != 0)
			continue;
		p += strspn(p, " \t");
		p[strspn(p, "0123456789")] = '\0';
		if (parse_u64(p, &kib) < 0)
			kib = 0;
		break;
	}
	if (fclose(f) != 0)
		return 0;
	return kib;
}

/* info.json is written before the dump (complete: false, padded to a
 * block) and rewritten in place after it: a target the dump filled has
 * no block left for a new file, and a power cut leaves one that says
 * incomplete. */
#define INFO_RESERVE 4096

static void write_info_json(struct dumpjob *j, const struct dump_target *t, int status,
			    int before)
{
	char path[4200], val[128];
	FILE *f;
	struct json js;
	long end;

	snprintf(path, sizeof(path), "%s/info.json", j->dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		if (fd >= 0)
			close(fd);
		warnmsg("cannot create %s:", path);
		return;
	}
	json_init(&js, f);
	json_object(&js, NULL);
	json_str(&js, "source", j->source);
	if (j->have_ssh)
		json_str(&js, "vmcore", dump_whole(t, status) ? "vmcore.flat"
			 : "vmcore.flat.incomplete");
	else
		json_str(&js, "vmcore", dump_whole(t, status) ? "vmcore" : "vmcore.incomplete");
	json_str(&js, "arch", vmcore_arch(&j->vc));
	json_str(&js, "format", j->format == DUMP_FORMAT_KDUMP ? "kdump" : "elf");
	json_str(&js, "kernel_release",
		 vmcoreinfo_get(&j->vc, "OSRELEASE", val, sizeof(val)) == 0 ? val : NULL);
	json_str(&js, "crash_time",
		 vmcoreinfo_get(&j->vc, "CRASHTIME", val, sizeof(val)) == 0 ? val : NULL);
	json_bool(&js, "complete", dump_whole(t, status));
	json_u64(&js, "size", t->size);
	json_u64(&js, "written", t->written);
	json_u64(&js, "zero_bytes", t->zero_bytes);
	json_array(&js, "unreadable");
	for (size_t i = 0; i < t->nbad; i++) {
		json_object(&js, NULL);
		json_u64(&js, "offset", t->bad[i].offset);
		json_u64(&js, "length", t->bad[i].len);
		json_end(&js);
	}
	json_end(&js);
	json_str(&js, "reason", t->reason[0] ? t->reason : NULL);
	triage_info_json(&js, &j->vc);
	json_str(&js, "writer", "dumpbox " DUMPBOX_VERSION);
	json_u64(&js, "peak_rss_kib", peak_rss_kib());
	json_finish(&js);
	/* JSON ends at its last '}': the padding is white space. */
	end = ftell(f);
	while (before && end >= 0 && end < INFO_RESERVE - 1 && fputc(' ', f) != EOF)
		end++;
	if (before && end >= 0)
		fputc('\n', f);
	if (fflush(f) != 0 || (!before && (end < 0 || ftruncate(fileno(f), end) < 0)) ||
	    fsync(fileno(f)) < 0)
		warnmsg("writing %s failed:", path);
	if (fclose(f) != 0)
		warnmsg("closing %s failed:", path);
}

/* ---- the dump ----------------------------------------------------------- */

/* The dump file as the operator knows it: on a filesystem target, the
 * device and the path in it, not our mount point. */
static const char *shown(const struct dumpjob *j, char *buf, size_t len)
{
	size_t m = strlen(j->fsm.dir);

	if (!m || strncmp(j->file, j->fsm.dir, m) != 0)
		return j->file;
	snprintf(buf, len, "%s:%s", j->fs.dev, j->file + m);
	return buf;
}

static int open_target(struct dumpjob *j, struct dump_target *t)
{
	struct stat st;
	int rc;

	if (j->output && strcmp(j->output, "-") == 0) {
		if (isatty(STDOUT_FILENO))
			return dump_failed(EXIT_USAGE, "refusing to write a dump to a terminal");
		dump_target_flat(t, STDOUT_FILENO, "standard output");
		snprintf(j->file, sizeof(j->file), "standard output (flattened)");
		return EXIT_OK;
	}
	if (!j->output && is_target(j, "ssh:")) {
		struct err e;

		rc = open_ssh(j, t, &e);
		return rc ? dump_failed(rc, "%s", e.msg) : EXIT_OK;
	}
	if (!j->output && is_target(j, "nfs:")) {
		struct err e;

		rc = open_nfs(j, &e);
		if (rc)
			return dump_failed(rc, "%s", e.msg);
		if (j->dry_run)
			return EXIT_OK;
	} else if (!j->output) {
		struct err e;

		rc = find_disk(j, &e);
		/* Not a dump disk: a filesystem, if the target names one. */
		if (rc == EXIT_NOT_OURS && j->target && *j->target)
			rc = open_fs(j, &e);
		if (rc)
			return dump_failed(rc, "%s", e.msg);
		if (j->have_fs && j->dry_run)
			return EXIT_OK;
	}
	if (j->output) {
		if (stat(j->output, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = make_dump_dir(j);
			if (rc)
				return rc;
		} else {
			snprintf(j->file, sizeof(j->file), "%s", j->output);
		}
		if (access(j->file, F_OK) == 0)
			return dump_failed(EXIT_USAGE, "%s exists: a dump never replaces a file", j->file);
		if (j->dry_run)
			return EXIT_OK;
		if (dump_target_file(t, j->file) < 0)
			return dump_failed(errno == EEXIST ? EXIT_USAGE : EXIT_DAMAGED,
					   "cannot create %s.incomplete: %s", j->file, strerror(errno));
		return EXIT_OK;
	}
	rc = open_disk(j);
	if (rc)
		return rc;
	j->dt.disk = &j->disk;
	j->dt.vc = &j->vc;
	j->dt.format = j->format;
	disk_target_init(t, &j->dt, j->file);
	return EXIT_OK;
}

static void fill_plan(struct dumpjob *j, struct dumpjob_plan *p)
{
	memset(p, 0, sizeof(*p));
	/* kdump: before the pages are filtered and compressed, only an
	 * upper bound is known. */
	p->size = size_bound(j);
	snprintf(p->target, sizeof(p->target), "%s", j->file);
	p->fits = 1;
	if (j->have_disk) {
		p->capacity = j->disk.info.capacity;
		p->fits = p->size <= p->capacity;
	}
}

static int dry_run(struct dumpjob *j)
{
	struct dumpjob_plan p;
	char what[96];

	fill_plan(j, &p);
	dumpjob_describe(j, what, sizeof(what));
	if (j->format == DUMP_FORMAT_KDUMP) {
		printf("Would dump %s (at most %" PRIu64 " MiB, %s) to %s as %s\n", j->source,
		       p.size >> 20, vmcore_arch(&j->vc), p.target, what);
		if (j->have_disk)
			printf("Dump area: %" PRIu64 " MiB, %s; the dump %s\n", p.capacity >> 20,
			       dumpdisk_state_name(j->disk.info.state),
			       p.fits ? "fits" : "may not fit: its compressed size is known "
			       "only when it is written");
		return EXIT_OK;
	}
	printf("Would dump %s (%" PRIu64 " MiB, %s) to %s\n", j->source, p.size >> 20,
	       vmcore_arch(&j->vc), p.target);
	if (j->have_disk) {
		printf("Dump area: %" PRIu64 " MiB, %s; the dump %s\n", p.capacity >> 20,
		       dumpdisk_state_name(j->disk.info.state),
		       p.fits ? "fits" : "does NOT fit");
		return p.fits ? EXIT_OK : EXIT_INCOMPLETE;
	}
	return EXIT_OK;
}

/* Open the source and the target as a dry run would. */
static int open_both(struct dumpjob *j, struct dump_target *t)
{
	int rc;

	if (window_open(&j->win, j->source) < 0)
		return dump_failed(errno == ENOENT ? EXIT_NOT_OURS : EXIT_DAMAGED,
				   "%s: %s%s", j->source, strerror(errno),
				   errno == ENOENT && strcmp(j->source, "/proc/vmcore") == 0
				   ? " (this is not a dump kernel)" : "");
	rc = vmcore_open(&j->vc, &j->win);
	if (rc)
		return dump_failed(rc, "%s: %s", j->source, j->vc.err.msg);
	return open_target(j, t);
}

static void close_all(struct dumpjob *j)
{
	struct err e;

	if (j->have_disk)
		dumpdisk_close(&j->disk);
	j->have_disk = 0;
	if (j->ssh_fd >= 0) {
		close(j->ssh_fd);
		j->ssh_fd = -1;
		if (ssh_wait(&j->ssh, j->ssh_pid, &e) < 0)
			warnmsg("%s", e.msg);
	}
	if (j->have_ssh)
		ssh_close(&j->ssh);
	j->have_ssh = 0;
	remove_stage(j);
	if (j->output == j->stage)
		j->output = NULL;
	j->have_nfs = 0;
	/* Before the final action: a dump on a filesystem that is still
	 * mounted when the machine reboots is a dump in the page cache. */
	if (j->fsm.dir[0] && j->stalled)
		fsmount_leave(&j->fsm);
	else if (j->fsm.dir[0] && fsmount_unmount(&j->fsm, &e) < 0)
		warnmsg("%s", e.msg);
	if (j->output == j->fsdir)
		j->output = NULL;
	j->have_fs = 0;
	if (j->pf_built)
		pagefilter_free(&j->pf);
	j->pf_built = 0;
	vmcore_close(&j->vc);
	if (j->win.fd >= 0)
		window_close(&j->win);
}

int dumpjob_plan(struct dumpjob *j, struct dumpjob_plan *p)
{
	struct dump_target t = { 0 };
	int saved = j->dry_run, rc;

	j->dry_run = 1;
	rc = open_both(j, &t);
	if (rc == EXIT_OK) {
		fill_plan(j, p);
		if (!p->fits && j->format != DUMP_FORMAT_KDUMP)
			rc = EXIT_INCOMPLETE;
	}
	j->dry_run = saved;
	close_all(j);
	return rc;
}

static int target_full(const struct dump_target *t)
{
	return t->error == ENOSPC || t->error == EFBIG || t->error == EDQUOT;
}

/* The same target again, empty, for a dump at the next fallback level.
 * 0, or -1 when it cannot be (a stream cannot be rewound). */
static int retry_target(struct dumpjob *j, struct dump_target *t)
{
	char tmp[4200];

	if (disk_target_is(t)) {
		disk_target_rewind(&j->dt);
		return 0;
	}
	if (j->have_ssh) {
		warnmsg("an SSH stream is not taken again: no dump at the next fallback level");
		return -1;
	}
	if (j->output && strcmp(j->output, "-") == 0) {
		warnmsg("a stream cannot be rewound: no dump at the next fallback level");
		return -1;
	}
	dump_target_free(t);
	snprintf(tmp, sizeof(tmp), "%s.incomplete", j->file);
	if (unlink(tmp) < 0 || dump_target_file(t, j->file) < 0) {
		warnmsg("cannot start %s again:", tmp);
		return -1;
	}
	return 0;
}

/* The watchdog's action, on its thread: the dump is told to stop, and
 * the wait that keeps it from stopping is ended. MNT_FORCE has the NFS
 * client fail the requests in flight (the unmount itself fails: the
 * mount's root is held open, sys/fsmount.h), so that a write waiting
 * for the page cache to drain returns; a killed SSH client makes our
 * writes into its pipe fail. Again every second until the dump has ended: the file's
 * last fsync and close send requests of their own. */
static void target_stalled(void *arg, unsigned calls)
{
	struct dumpjob *j = arg;

	if (calls == 1) {
		dump_abandon(j->watched);
		*j->stop = 1;
		fprintf(stderr, "%s: the target took less than %u MiB in %u s: stopping the dump\n",
			applet_name, DUMPJOB_STALL_MIN_BYTES >> 20, j->stall_secs);
	}
	if (j->have_nfs)
		fsmount_force(&j->fsm);
	else if (j->ssh_pid > 0)
		(void)kill(j->ssh_pid, SIGKILL);
}

/* Only a network target is watched: a disk's own driver gives up on a
 * failing disk (the SCSI error handler's timeouts) and the write fails. */
static void watch_target(struct dumpjob *j, struct dump_target *t)
{
	if (!j->stall_secs || !(j->have_nfs || j->have_ssh))
		return;
	j->watched = t;
	j->wd = (struct watchdog){
		.counter = &t->moved, .min_bytes = DUMPJOB_STALL_MIN_BYTES,
		.secs = j->stall_secs, .refire_secs = 1, .fire = target_stalled, .arg = j,
	};
	if (watchdog_start(&j->wd) < 0)
		warnmsg("the target is not watched for a stall (the dump goes on):");
}

static void unwatch_target(struct dumpjob *j)
{
	if (watchdog_stop(&j->wd))
		j->stalled = 1;
}

/* Dump at j->dump_level, then at each fallback level while the target
 * is too small. */
static int dump_levels(struct dumpjob *j, struct dump_target *t, struct dump_opts *o)
{
	char name[4400];
	char warned[sizeof(((struct pagefilter *)0)->warning)] = "";
	unsigned level = j->dump_level;
	size_t next = 0;
	int rc;

	for (;;) {
		o->dump_level = level;
		o->filter = NULL;
		if (level & ~DL_ZERO) {
			struct pagefilter *pf = job_filter(j, level);

			if (pf->warning[0] && strcmp(pf->warning, warned) != 0) {
				warnmsg("page filter: %s", pf->warning);
				snprintf(warned, sizeof(warned), "%s", pf->warning);
			}
			o->filter = pf;
		}
		/* Watched from here: building the page filter of a large
		 * machine reads its struct pages for a while, writing nothing. */
		watch_target(j, t);
		rc = dump_vmcore(&j->vc, t, o);
		unwatch_target(j);
		o->filter = NULL;
		if (j->stalled || rc != EXIT_INCOMPLETE || !target_full(t) || next >= j->nfallback)
			return rc;
		fprintf(stderr, "%s: %s is full at dump level %u (%s): dumping again at level %u\n",
			applet_name, shown(j, name, sizeof(name)), level, t->reason, j->fallback[next]);
		if (retry_target(j, t) < 0)
			return rc;
		level = j->fallback[next++];
	}
}

/* The console is often all that is kept of a dump kernel's run: the
 * holes go there one by one, as offsets in the dump file. */
static void report_bad(const struct dump_target *t)
{
	size_t i, show = t->nbad < 32 ? t->nbad : 32;

	fprintf(stderr, "Dump successful, but %s\n", t->reason);
	for (i = 0; i < show; i++)
		fprintf(stderr, "  unreadable: dump offset %" PRIu64 ", %" PRIu64 " bytes (zeros)\n",
			t->bad[i].offset, t->bad[i].len);
	if (i < t->nbad)
		fprintf(stderr, "  ... and %zu more ranges\n", t->nbad - i);
}

int dumpjob_run(struct dumpjob *j)
{
	struct dump_target t = { 0 };
	struct dump_opts o = { 0 };
	char what[96], name[4400];
	uint64_t hsa = 0;
	int rc;

	if (!j->prepared)
		dumpjob_s390_prepare(j);
	j->started = monotonic_seconds();
	rc = open_both(j, &t);
	if (rc)
		return rc;
	if (j->dry_run)
		return dry_run(j);

	if (s390_hsa_size(&j->roots, &hsa) < 0)
		warnmsg("cannot read the HSA size (%s/zcore/hsa):", j->roots.debugfs);
	if (j->debug)
		fprintf(stderr, "%s: reading %s through %s\n", applet_name, j->source,
			j->win.mmap ? "mmap() of each chunk" : "read()");
	if (hsa && j->debug)
		fprintf(stderr, "%s: HSA size 0x%" PRIx64 ": copying the memory below it first\n",
			applet_name, hsa);
	o.hsa_size = hsa;
	o.release_hsa = hsa_release;
	o.hsa_arg = j;
	o.progress = j->quiet ? NULL : stderr;
	o.progress_secs = j->progress_secs;
	if (!j->stop)
		j->stop = &j->own_stop;
	o.stop = j->stop;
	o.format = j->format;
	o.codec = j->codec;
	o.codec_level = j->codec_level;
	o.threads = j->threads;
	if (j->dir[0] && write_dmesg_file(j) < 0)
		warnmsg("the kernel log was not saved (the dump goes on)");
	if (j->have_ssh)
		ssh_copy(j, "dmesg.txt");

	dumpjob_describe(j, what, sizeof(what));
	if (!j->quiet && j->format == DUMP_FORMAT_KDUMP)
		fprintf(stderr, "Dumping %s (%" PRIu64 " MiB) to %s, %s\n", j->source,
			vmcore_elf_size(&j->vc) >> 20, shown(j, name, sizeof(name)), what);
	else if (!j->quiet)
		fprintf(stderr, "Dumping %s (%" PRIu64 " MiB) to %s\n", j->source,
			vmcore_elf_size(&j->vc) >> 20, shown(j, name, sizeof(name)));
	if (j->dir[0] && !j->have_ssh)
		write_info_json(j, &t, EXIT_INCOMPLETE, 1);
	rc = dump_levels(j, &t, &o);
	if (j->have_ssh)
		rc = finish_ssh(j, &t, rc);
	if (j->stalled) {
		t.error = ETIMEDOUT;
		snprintf(t.reason, sizeof(t.reason), "%s took less than %u MiB in %u s "
			 "(dumpbox.stall): the dump was stopped", j->have_nfs ? "the NFS server"
			 : "the SSH connection", DUMPJOB_STALL_MIN_BYTES >> 20, j->stall_secs);
		rc = EXIT_DAMAGED;
		/* What is there stays named incomplete; nothing more goes to
		 * a server that does not answer. */
		warnmsg("info.json is not written to the target: it has stalled");
	} else {
		if (j->dir[0])
			write_info_json(j, &t, rc, 0);
		if (j->have_ssh)
			ssh_copy(j, "info.json");
	}
	if (rc == EXIT_OK)
		fprintf(stderr, "Dump successful (%" PRIu64 " MiB in %.1f s)\n",
			t.size >> 20, monotonic_seconds() - j->started);
	else if (dump_whole(&t, rc) && t.nbad)
		report_bad(&t);
	else
		dump_failed(rc, "%s", t.reason[0] ? t.reason : "unknown error");
	if (!disk_target_is(&t))
		dump_target_free(&t);
	else
		free(t.bad);
	return rc;
}


void dumpjob_finish(struct dumpjob *j)
{
	close_all(j);
	if (j->fcp_dump && j->reipl && !j->dry_run) {
		fflush(NULL);
		if (s390_reipl(&j->roots) < 0)
			warnmsg("re-IPL failed:");
	}
}
