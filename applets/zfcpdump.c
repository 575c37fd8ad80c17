/* zfcpdump: the dump itself. Runs in the dump (capture) kernel, copies
 * /proc/vmcore to a prepared dump disk, a file or a stream, completely or
 * visibly not, in a few MiB of memory. */
//applet:zfcpdump
//config:config ZFCPDUMP
//config:	bool "zfcpdump: write the crashed system's memory to a dump disk"
//config:	default y
//config:	help
//config:	  usage: zfcpdump [OPTIONS]
//config:
//config:	  Copy a crash dump (/proc/vmcore in a dump kernel) to a dump disk
//config:	  prepared with diskprep (or zipl -d), to a file or directory, or
//config:	  to standard output. The ELF header is written last, so a dump
//config:	  that is cut off never looks complete.
//config:
//config:	  Source:
//config:	    --source FILE       the ELF core to dump (default /proc/vmcore),
//config:	                        or a kdump-compressed file (converted)
//config:	  Target (default: the only prepared dump disk on this machine):
//config:	    --target DEV        a dump disk: a device, image file, or
//config:	                        UUID=... or LABEL=... of a prepared disk;
//config:	                        or a filesystem (ext4, xfs, btrfs) by
//config:	                        device, UUID= or LABEL=: mounted, the dump
//config:	                        written as into --output DIR, unmounted
//config:	                        or ssh:USER@HOST[:PORT]: a stream in
//config:	                        makedumpfile's flattened format into
//config:	                        DIR/dump-.../vmcore.flat.incomplete on
//config:	                        the server, renamed vmcore.flat when it
//config:	                        has ended cleanly (makedumpfile -R or
//config:	                        vmcore-inspect convert rebuilds it);
//config:	                        or nfs:HOST:/EXPORT[,OPTIONS]: mounted
//config:	                        (NFSv4, soft) and written as a filesystem
//config:	    --path DIR          in that filesystem or on that server, the
//config:	                        directory of the dumps (default /var/crash)
//config:	    --ssh-key FILE      the key for ssh: (default
//config:	                        /etc/dumpbox/ssh/id_dumpbox)
//config:	    --ssh-known-hosts FILE  the server's host key (default
//config:	                        /etc/dumpbox/ssh/known_hosts): another
//config:	                        key, or none, is refused
//config:	    --ssh-client FILE   Dropbear's dbclient (default /bin/dbclient)
//config:	    --ssh-cipher NAME   the client's -c (default: its own choice)
//config:	    --output FILE|DIR|- a new FILE (written as FILE.incomplete,
//config:	                        renamed when complete); in an existing
//config:	                        DIR: DIR/dump-YYYYMMDD-HHMMSS/ with vmcore,
//config:	                        dmesg.txt and info.json; "-": standard
//config:	                        output in makedumpfile's flattened format
//config:	                        (makedumpfile -R rebuilds the file)
//config:	    --force             overwrite a dump that was not extracted
//config:	  Format:
//config:	    --format elf|kdump  elf (default): /proc/vmcore's own layout, what
//config:	                        zgetdump and zipl dump disks expect; kdump:
//config:	                        makedumpfile's kdump-compressed format (crash,
//config:	                        makedumpfile, libkdumpfile read it)
//config:	    --compress CODEC[:LEVEL]  kdump: zstd, lzo, zlib, snappy or
//config:	                        none (default zstd if built in, else
//config:	                        zlib); zstd and zlib take their level
//config:	                        (zstd:-3, zstd:3, zlib:6; default zstd 2,
//config:	                        zlib 1 as makedumpfile -c)
//config:	    -d, --dump-level N  leave out pages (0-31, makedumpfile's bits):
//config:	                        1 zero, 2 page cache, 4 page cache with
//config:	                        private data, 8 user memory, 16 free pages.
//config:	                        kdump leaves them out, but zero pages stay
//config:	                        readable (one stored zero page for all, as
//config:	                        makedumpfile does); elf writes them as zeros
//config:	                        and keeps the layout
//config:	    --fallback N,N,...  when the target is too small, dump again at
//config:	                        each of these levels in turn (not to "-")
//config:	    --threads N         kdump: compress on N threads (default: one
//config:	                        per online CPU)
//config:	  Behaviour:
//config:	    --dry-run           say what would be dumped where, and whether
//config:	                        it fits (kdump: its size is an upper
//config:	                        bound); write nothing
//config:	    --progress=N        a progress line every N seconds (default 5)
//config:	    --stall SECONDS     an ssh: or nfs: target that takes less than
//config:	                        1 MiB in SECONDS has stalled: the dump
//config:	                        stops, the client is killed or the mount
//config:	                        forced down (default 120; 0: never)
//config:	    --quiet             no progress lines
//config:	    --no-reipl          on s390, do not re-IPL after the dump
//config:	  Roots (for tests; the kernel's paths by default):
//config:	    --sysfs-root DIR    /sys
//config:	    --debugfs-root DIR  /sys/kernel/debug
//config:	    --proc-root DIR     /proc (reads cmdline: dump_debug=N)
//config:	    --dev-root DIR      /dev
//config:
//config:	  On s390, when /sys/firmware/ipl/ipl_type is fcp_dump, the IPL zfcp
//config:	  device is brought online first; when zcore's HSA exists, the
//config:	  memory it holds is copied first and the HSA released.
//config:
//config:	  A kdump dump cut off by a full target or a signal says INCOMPLETE
//config:	  in its header (crash reads the pages it has); a dump cut off
//config:	  otherwise has no header at all.
//config:
//config:	  Exit status: 0 dump complete; 1 failed, or complete with
//config:	  unreadable source pages (zeros, listed); 2 the source is not an
//config:	  ELF core or the target is not a dump disk; 3 dump incomplete
//config:	  (target full, interrupted); 64 usage error.

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/compress.h"
#include "base/dumpbox.h"
#include "job/dumpjob.h"
#include "sys/cmdline.h"
#include "write/dump.h"
#include "write/pagefilter.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* An output option: the same names and checks as the kernel command line's. */
static void setting(struct dumpjob_settings *s, const char *name, const char *val)
{
	struct err e;

	if (dumpjob_set(s, name, val, &e) < 0)
		usage_error("--%s", e.msg);
}

int zfcpdump_main(int argc, char **argv)
{
	enum {
		OPT_SOURCE = 256, OPT_TARGET, OPT_OUTPUT, OPT_FORCE, OPT_DRY_RUN, OPT_PROGRESS,
		OPT_QUIET, OPT_NO_REIPL, OPT_SYSFS, OPT_DEBUGFS, OPT_PROC, OPT_DEV,
		OPT_FORMAT, OPT_COMPRESS, OPT_FALLBACK, OPT_THREADS, OPT_PATH,
		OPT_SSH_KEY, OPT_SSH_HOSTS, OPT_SSH_CLIENT, OPT_SSH_CIPHER, OPT_STALL,
	};
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "progress", required_argument, NULL, OPT_PROGRESS },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "no-reipl", no_argument, NULL, OPT_NO_REIPL },
		{ "sysfs-root", required_argument, NULL, OPT_SYSFS },
		{ "debugfs-root", required_argument, NULL, OPT_DEBUGFS },
		{ "proc-root", required_argument, NULL, OPT_PROC },
		{ "dev-root", required_argument, NULL, OPT_DEV },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "compress", required_argument, NULL, OPT_COMPRESS },
		{ "dump-level", required_argument, NULL, 'd' },
		{ "fallback", required_argument, NULL, OPT_FALLBACK },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "ssh-key", required_argument, NULL, OPT_SSH_KEY },
		{ "ssh-known-hosts", required_argument, NULL, OPT_SSH_HOSTS },
		{ "ssh-client", required_argument, NULL, OPT_SSH_CLIENT },
		{ "ssh-cipher", required_argument, NULL, OPT_SSH_CIPHER },
		{ "stall", required_argument, NULL, OPT_STALL },
		{ NULL, 0, NULL, 0 },
	};
	struct dumpjob z;
	const char *proc_root = "/proc";
	char cmdline[4096], path[4200], val[16];
	struct dumpjob_settings set = { 0 };
	struct err err;
	uint64_t n;
	int c, rc;

	dumpjob_init(&z);
	while ((c = getopt_long(argc, argv, "d:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SOURCE: z.source = optarg; break;
		case OPT_TARGET: z.target = optarg; break;
		case OPT_PATH: z.path = optarg; break;
		case OPT_OUTPUT: z.output = optarg; break;
		case OPT_FORCE: z.force = 1; break;
		case OPT_DRY_RUN: z.dry_run = 1; break;
		case OPT_PROGRESS:
			if (parse_u64(optarg, &n) < 0 || n > 86400)
				usage_error("--progress takes seconds (0-86400), not '%s'", optarg);
			z.progress_secs = (unsigned)n;
			break;
		case OPT_QUIET: z.quiet = 1; break;
		case OPT_NO_REIPL: z.reipl = 0; break;
		case OPT_SYSFS: z.roots.sysfs = optarg; break;
		case OPT_DEBUGFS: z.roots.debugfs = optarg; break;
		case OPT_PROC: proc_root = optarg; break;
		case OPT_DEV: z.dev_root = optarg; break;
		case OPT_FORMAT: setting(&set, "format", optarg); break;
		case OPT_COMPRESS: setting(&set, "compress", optarg); break;
		case 'd': setting(&set, "dump-level", optarg); break;
		case OPT_FALLBACK: setting(&set, "fallback", optarg); break;
		case OPT_THREADS: setting(&set, "threads", optarg); break;
		case OPT_STALL: setting(&set, "stall", optarg); break;
		case OPT_SSH_KEY: z.ssh_key = optarg; break;
		case OPT_SSH_HOSTS: z.ssh_known_hosts = optarg; break;
		case OPT_SSH_CLIENT: z.ssh_client = optarg; break;
		case OPT_SSH_CIPHER: z.ssh_cipher = optarg; break;
		default: usage_bad_option(argv);
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (z.target && z.output)
		usage_error("--target and --output exclude each other");
	if ((z.output && !*z.output) || (z.target && !*z.target) || !z.source || !*z.source)
		usage_error("--source, --target and --output take a name, not ''");
	if (dumpjob_apply(&z, &set, 0, &err) < 0)
		usage_error("--%s", err.msg);

	snprintf(path, sizeof(path), "%s/cmdline", proc_root);
	cmdline_read(path, cmdline, sizeof(cmdline));
	if (cmdline_get(cmdline, "dump_debug", val, sizeof(val)) == 0 && parse_u64(val, &n) == 0)
		z.debug = (int)(n > 9 ? 9 : n);

	/* A signal stops the copy at the next chunk and the dump is marked
	 * incomplete, instead of dying with the target in BUSY. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed pipe or a file size limit is an error to report, not a
	 * reason to die in silence. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);

	z.stop = &stop_requested;
	rc = dumpjob_run(&z);
	dumpjob_finish(&z);
	return rc;
}
