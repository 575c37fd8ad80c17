/* One dump, start to end: what the zfcpdump applet and the rescue menu
 * both run (the menu calls this, it does not run the applet). Prepares the
 * s390 IPL device, opens the source and the target (a dump disk found by
 * name, UUID or label, a file, a directory, a stream), saves the kernel
 * log first, copies (lib/write/dump.h), and says "Dump successful" or "Dump
 * failed: REASON" on stderr as the reference tool does. */
#ifndef DUMPBOX_DUMPJOB_H
#define DUMPBOX_DUMPJOB_H

#include <signal.h>

#include "base/err.h"
#include "base/watchdog.h"
#include "base/window.h"
#include "core/vmcore.h"
#include "disk/disktarget.h"
#include "disk/dumpdisk.h"
#include "disk/dumpfind.h"
#include "sys/fsmount.h"
#include "sys/s390.h"
#include "sys/ssh.h"
#include "write/dumptarget.h"
#include "write/pagefilter.h"

/* Where a filesystem target's dumps go, as with kdump-tools. */
#define DUMPJOB_DEFAULT_PATH	"/var/crash"

/* A network target has stalled when it takes less than this in
 * dumpbox.stall seconds: 1 MiB in 2 minutes is a dump of days, and a
 * soft NFS mount's retries (timeo=100,retrans=2) are over well within it. */
#define DUMPJOB_STALL_DEFAULT	120
#define DUMPJOB_STALL_MIN_BYTES	(1u << 20)

struct dumpjob {
	/* What to do: set by the caller after dumpjob_init(). */
	const char *source;
	const char *target;	/* --target, or NULL */
	const char *path;	/* a filesystem target's dump directory (NULL:
				 * /var/crash, as kdump-tools) */
	const char *output;	/* --output, or NULL */
	int force, dry_run, quiet, reipl;
	unsigned progress_secs;
	int debug;		/* dump_debug=N */
	struct s390_roots roots;
	const char *dev_root;
	volatile sig_atomic_t *stop;	/* set by a signal: stop, INCOMPLETE */
	/* The output (lib/write/dump.h): ELF by default; kdump-compressed with
	 * codec on threads workers (0: online CPUs). dump_level excludes
	 * pages (pagefilter.h DL_*); when the target is full at that level,
	 * the dump is taken again at each level of fallback in turn. */
	int elf_on_zipl;	/* kdump asked, zipl disk: write ELF (say so) */
	int format;			/* enum dump_format */
	int codec;			/* enum codec */
	int codec_level;		/* 0: the codec's default */
	unsigned dump_level;
	unsigned threads;
	unsigned fallback[8];
	size_t nfallback;
	/* A network target that takes less than STALL_MIN_BYTES in
	 * stall_secs seconds has stalled: the dump is stopped and the
	 * target forced down (0: never). */
	unsigned stall_secs;
	/* State. */
	int fcp_dump;		/* IPLed by the machine to take a dump */
	struct window win;
	struct vmcore vc;
	struct dumpdisk disk;
	struct disk_target dt;		/* the dump disk as the target */
	int have_disk;
	struct fs_found fs;		/* or a filesystem, mounted at fsm */
	int have_fs;
	struct fsmount fsm;
	char fsdir[4096];		/* path inside it */
	/* The page filter of pf_level, when pf_built: the size estimate
	 * and the dump share it (building one reads every struct page). */
	struct pagefilter pf;
	unsigned pf_level;
	int pf_built;
	char dir[4096];		/* --output DIR: the dump's own directory */
	char file[4096];	/* the dump file's final name */
	/* A dump server over SSH (dumpbox.target=ssh:USER@HOST): the
	 * stream goes into the client; dmesg.txt and info.json are made in
	 * a local directory (stage, in RAM) and copied after it. NULL
	 * paths: the initramfs's (sys/ssh.h). */
	const char *ssh_client, *ssh_key, *ssh_known_hosts, *ssh_cipher;
	struct ssh ssh;
	int have_ssh;
	pid_t ssh_pid;
	int ssh_fd;
	char stage[64];
	char rdir[4096];	/* the dump's directory on the server */
	/* An NFS export (dumpbox.target=nfs:HOST:/EXPORT[,OPTIONS]) is
	 * mounted and written as a filesystem target. */
	int have_nfs;
	struct watchdog wd;
	struct dump_target *watched;
	int stalled;
	volatile sig_atomic_t own_stop;	/* stop, when the caller gave none */
	double started;
	int prepared;		/* the s390 IPL device step has run */
};

/* The output settings by name, as the options (--format, --dump-level,
 * --compress, --fallback, --threads, --stall) and the kernel command line
 * (dumpbox.format, .level, .compress, .fallback, .threads, .stall) spell them:
 * one set that zfcpdump, rescue and kdump-load share. */
struct dumpjob_settings {
	int format;			/* enum dump_format */
	const char *compress;		/* NULL: the default codec */
	int level_set;
	unsigned dump_level, threads;
	unsigned fallback[8];
	size_t nfallback;
	int stall_set;
	unsigned stall;
	unsigned debug;			/* dump_debug=N (0: leave j->debug) */
};

/* Set NAME (format, level or dump-level, compress, fallback, threads, stall) to VAL, whose
 * string must outlive s. 0, or -1 with e saying what VAL should be
 * (status EXIT_USAGE). */
int dumpjob_set(struct dumpjob_settings *s, const char *name, const char *val, struct err *e);

/* Check that the settings go together and put them into j. capture: the
 * dump kernel's defaults (level 31 with kdump, as kdump-tools dumps; a
 * zipl disk gets ELF). 0, or -1 with e. */
int dumpjob_apply(struct dumpjob *j, const struct dumpjob_settings *s, int capture,
		  struct err *e);

/* One line for the operator: "kdump-compressed zstd, dump level 31" or
 * "ELF (every page)". */
void dumpjob_describe(const struct dumpjob *j, char *buf, size_t len);

/* Defaults: source /proc/vmcore, the only dump disk, progress every 5 s,
 * re-IPL on s390, the kernel's sysfs/debugfs/dev paths. */
void dumpjob_init(struct dumpjob *j);

/* Bring the s390 IPL zfcp device online when the machine IPLed us to dump
 * (ipl_type fcp_dump); a no-op elsewhere. dumpjob_run() calls it too. */
void dumpjob_s390_prepare(struct dumpjob *j);

/* Run the dump (or, with dry_run, say what it would do). Returns an exit
 * status (dumpbox.h): 0 complete, 1 failed or unreadable pages, 2 no
 * vmcore or no dump disk, 3 incomplete, 64 usage. */
int dumpjob_run(struct dumpjob *j);

/* What a dump would be, without writing: fills the fields and returns
 * dumpjob_run()'s status for a dry run; messages go to stderr. */
struct dumpjob_plan {
	uint64_t size;			/* bytes of the dump */
	char target[4096];		/* where it would go */
	uint64_t capacity;		/* dump area, 0 when unknown (a file) */
	int fits;
};
int dumpjob_plan(struct dumpjob *j, struct dumpjob_plan *p);

/* Close everything; on a machine that IPLed us to dump, re-IPL it (as
 * the reference tool does, after success and failure alike) unless
 * j->reipl is 0. */
void dumpjob_finish(struct dumpjob *j);

#endif
