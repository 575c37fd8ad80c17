/* rescue: what the operator of a crashed machine sees in the dump kernel.
 * A countdown to the automatic dump that a key press turns into a menu;
 * plain numbered lines that work on a serial line, a VT and s390's SCLP
 * line-mode console alike. */
//applet:rescue
//config:config RESCUE
//config:	bool "rescue: the dump kernel's menu and automatic dump"
//config:	default y
//config:	help
//config:	  usage: rescue [OPTIONS]
//config:
//config:	  The dump kernel's front end, run by init. With a crash dump
//config:	  (/proc/vmcore) it counts down to an automatic dump; a key press
//config:	  (Enter on a line-mode console) opens the menu instead: dump now,
//config:	  show the crash log, inspect the dump, prepare a dump disk, rescue
//config:	  shell, reboot, power off. No operator (end of input on the
//config:	  console) means the automatic path. After the automatic dump it
//config:	  does the final action.
//config:
//config:	  Settings come from the kernel command line; options override:
//config:	    dumpbox.mode=auto|menu|shell   --mode   (default menu)
//config:	    dumpbox.timeout=SECONDS        --timeout (default 10)
//config:	    dumpbox.target=DEV|UUID=..|LABEL=..  --target (default: the
//config:	                                   only prepared dump disk): a dump
//config:	                                   disk, or a filesystem (ext4, xfs,
//config:	                                   btrfs) that the dump mounts
//config:	    dumpbox.path=DIR               --path: the dumps' directory in
//config:	                                   that filesystem (/var/crash)
//config:	    dumpbox.format=elf|kdump       --format (default elf)
//config:	    dumpbox.level=N                -d, --dump-level (0-31; default
//config:	                                   31 with kdump, as kdump-tools)
//config:	    dumpbox.compress=CODEC[:LEVEL] --compress (kdump: zstd, lzo,
//config:	                                   zlib, snappy, none; zstd:3,
//config:	                                   zlib:6: the codec's level)
//config:	    dumpbox.fallback=N,N           --fallback (levels to try when
//config:	                                   the target is too small)
//config:	    dumpbox.threads=N              --threads (default: one per CPU)
//config:	    dumpbox.stall=SECONDS          --stall: an ssh: or nfs: target
//config:	                                   that takes less than 1 MiB in
//config:	                                   SECONDS has stalled, the dump
//config:	                                   fails (default 120; 0: never)
//config:	  A zipl dump disk gets ELF whatever the format: zgetdump reads
//config:	  nothing else. A bad value on the command line is warned about
//config:	  and left out (the dump goes on); a bad option is a usage error.
//config:	    dumpbox.final=reboot|poweroff|halt|shell|reipl|menu  --final
//config:	                                   (default reboot; reipl on s390
//config:	                                   when zcore offers it)
//config:	    dumpbox.on_failure=ACTION      --on-failure (default: final)
//config:	  Read by init before rescue starts:
//config:	    dumpbox.settle=SECONDS         how long to wait for the target
//config:	                                   to appear (default 10)
//config:	    dumpbox.selftest=crash         test initramfs only: crash the
//config:	                                   first kernel (init --help)
//config:	  Test options:
//config:	    --proc-root, --sysfs-root, --debugfs-root, --dev-root DIR
//config:	    --no-act            print the final action instead of doing it
//config:	                        (always so when not running as PID 1)
//config:
//config:	  Exit status (when it returns): the automatic dump's status.
//config:
//config:config RESCUE_SHELL
//config:	bool "Offer a rescue shell (BusyBox sh in the initramfs)"
//config:	default y
//config:	depends on RESCUE
//config:	help
//config:	  Say N for a locked-down rescue system: no menu entry, no
//config:	  dumpbox.mode=shell, and the initramfs ships no shell at all (a
//config:	  shell in the archive could be reached with rdinit=/bin/sh).

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "core/crashlog.h"
#include "core/elflayout.h"
#include "core/printk.h"
#include "core/vmcore.h"
#include "job/bootparam.h"
#include "job/dumpjob.h"
#include "job/triage.h"
#include "sys/cmdline.h"
#include "sys/s390.h"

/* Other applets the menu runs in a child process (so that their exit()
 * cannot end the menu). Weak: a build without them still links. */
extern int vmcore_inspect_main(int argc, char **argv) __attribute__((weak));
extern int diskprep_main(int argc, char **argv) __attribute__((weak));

#define SHELL_PATH "/bin/sh"

enum mode { MODE_AUTO, MODE_MENU, MODE_SHELL };

struct rescue {
	enum mode mode;
	unsigned timeout;
	const char *target, *path;	/* path: in a filesystem target */
	struct dumpjob_settings set;	/* format, level, compress, ... */
	char output[96];		/* what they make, for the operator */
	const char *final;
	const char *on_failure;
	const char *proc_root, *dev_root;
	char vmcore[4200];	/* proc_root/vmcore */
	char cmdline[4096];	/* proc_root/cmdline, read once */
	struct s390_roots roots;
	int no_act;
	int in;			/* the console, for reading */
	int tty, line_mode;	/* a terminal; one that only sends lines */
	/* What the screen shows. */
	int have_vmcore;
	char release[80], crashed[64], panic[256], where[320];
	uint64_t size;
	struct dumpjob_plan plan;
	int plan_rc;
	int dumped;		/* status of the last dump, -1: none */
	struct bootparams bp;	/* dumpbox.* and the options over them */
};

static volatile sig_atomic_t stop_requested;

/* The output settings, checked once in main (bootparams_output), for
 * each job. */
static void output_settings(const struct rescue *r, struct dumpjob *j)
{
	struct err e;

	if (dumpjob_apply(j, &r->set, 1, &e) < 0)
		warnmsg("%s", e.msg);
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* ---- the console ---------------------------------------------------------- */

/* Read a line (without its newline) from the console; -1 at end of input.
 * Byte by byte: stdio buffering would hide input from select(). */
static int read_line(struct rescue *r, char *buf, size_t len)
{
	size_t n = 0;
	char c;

	fflush(stdout);
	for (;;) {
		ssize_t got = read(r->in, &c, 1);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return n ? (buf[n] = '\0', 0) : -1;
		if (c == '\n' || c == '\r')
			break;
		if (n + 1 < len)
			buf[n++] = c;
	}
	buf[n] = '\0';
	/* A terminal echoes what was typed; a pipe or a line console's
	 * transcript would otherwise run the next output into the prompt. */
	if (!r->tty)
		printf("%s\n", buf);
	return 0;
}

/* Wait up to seconds for input. 1: something came (consumed up to the
 * end of its line on a line console), 0: time is up, -1: end of input. */
static int wait_key(struct rescue *r, unsigned seconds)
{
	fd_set set;
	struct timeval tv = { .tv_sec = seconds };
	char c;
	int n;

	FD_ZERO(&set);
	FD_SET(r->in, &set);
	n = select(r->in + 1, &set, NULL, NULL, &tv);
	if (n <= 0)
		return n < 0 && errno != EINTR ? -1 : 0;
	if (read(r->in, &c, 1) != 1)
		return -1;
	/* The rest of the line is not a menu answer. */
	if (!r->tty || r->line_mode) {
		while (c != '\n' && read(r->in, &c, 1) == 1)
			;
	}
	return 1;
}

/* Non-canonical input for the countdown, so one key is enough on a real
 * terminal; restored before the menu reads lines. */
static int raw_mode(struct rescue *r, struct termios *saved)
{
	struct termios t;

	if (!r->tty || r->line_mode || tcgetattr(r->in, saved) < 0)
		return 0;
	t = *saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(r->in, TCSANOW, &t) == 0;
}

/* The SCLP line-mode console delivers whole lines and swallows empty
 * ones; the kernel names it ttysclp0 / sclp_line0. */
static int is_line_console(struct rescue *r)
{
	char con[64], tty[64] = "";

	if (ttyname_r(r->in, tty, sizeof(tty)) == 0 && (strstr(tty, "sclp") || strstr(tty, "3215")))
		return 1;
	return cmdline_get(r->cmdline, "console", con, sizeof(con)) == 0 &&
	       (strncmp(con, "ttysclp", 7) == 0 || strncmp(con, "sclp", 4) == 0);
}

/* ---- what happened -------------------------------------------------------- */

static void look(struct rescue *r)
{
	char val[64];
	struct window w;
	struct vmcore vc;
	struct dumpjob j;

	r->have_vmcore = 0;
	if (window_open(&w, r->vmcore) < 0)
		return;
	if (vmcore_open(&vc, &w) == 0) {
		r->have_vmcore = 1;
		r->size = vmcore_elf_size(&vc);
		if (vmcoreinfo_get(&vc, "OSRELEASE", r->release, sizeof(r->release)) < 0)
			snprintf(r->release, sizeof(r->release), "unknown");
		if (vmcoreinfo_get(&vc, "CRASHTIME", val, sizeof(val)) == 0) {
			time_t t = (time_t)strtoll(val, NULL, 10);
			struct tm tm;

			gmtime_r(&t, &tm);
			strftime(r->crashed, sizeof(r->crashed), "%Y-%m-%d %H:%M:%S UTC", &tm);
		} else {
			snprintf(r->crashed, sizeof(r->crashed), "unknown");
		}
		/* The report in the log, and where it crashed (docs/TRIAGE.md). */
		triage_summary(&vc, r->panic, sizeof(r->panic), r->where, sizeof(r->where));
		vmcore_close(&vc);
	}
	window_close(&w);
	if (!r->have_vmcore)
		return;

	/* Where the dump would go, and whether it fits; quietly. */
	dumpjob_init(&j);
	output_settings(r, &j);
	j.source = r->vmcore;
	j.target = r->target;
	j.path = r->path;
	j.roots = r->roots;
	j.dev_root = r->dev_root;
	j.quiet = 1;
	j.prepared = 1;
	int saved = dup(STDERR_FILENO), nul = open("/dev/null", O_WRONLY);

	if (saved >= 0 && nul >= 0)
		dup2(nul, STDERR_FILENO);
	memset(&r->plan, 0, sizeof(r->plan));
	r->plan_rc = dumpjob_plan(&j, &r->plan);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	if (nul >= 0)
		close(nul);
}

static void show_status(struct rescue *r)
{
	printf("\ndumpbox rescue %s\n", DUMPBOX_VERSION);
	if (!r->have_vmcore) {
		printf("No crash dump here: %s/vmcore does not exist (this is not a dump kernel,\n"
		       "or the crashed kernel had no crashkernel= memory).\n", r->proc_root);
		return;
	}
	printf("Crashed kernel: %s, crashed %s\n", r->release, r->crashed);
	printf("Crash:          %s\n%s%s%s", r->panic, r->where[0] ? "Crashed in:     " : "",
	       r->where, r->where[0] ? "\n" : "");
	printf("Dump:           %" PRIu64 " MiB\n", r->size >> 20);
	printf("Dump format:    %s\n", r->output);
	int bound = r->set.format == DUMP_FORMAT_KDUMP;

	if (r->plan_rc == EXIT_OK || r->plan_rc == EXIT_INCOMPLETE) {
		if (bound)
			printf("Dump size:      at most %" PRIu64 " MiB (less once compressed)\n",
			       r->plan.size >> 20);
		printf("Dump target:    %s", r->plan.target);
		if (r->plan.capacity)
			printf(" (%" PRIu64 " MiB): %s", r->plan.capacity >> 20,
			       r->plan.fits ? "the dump fits" : bound ? "the dump may not fit"
			       : "the dump does NOT fit");
		printf("\n");
	} else {
		printf("Dump target:    none found%s%s\n", r->target ? " for " : "",
		       r->target ? r->target : " (prepare one with entry 4)");
	}
}

/* ---- actions -------------------------------------------------------------- */

static int dump_now(struct rescue *r)
{
	struct dumpjob j;
	int rc;

	if (!r->have_vmcore) {
		printf("There is no crash dump to save.\n");
		return EXIT_NOT_OURS;
	}
	dumpjob_init(&j);
	output_settings(r, &j);
	j.source = r->vmcore;
	j.target = r->target;
	j.path = r->path;
	j.roots = r->roots;
	j.dev_root = r->dev_root;
	j.stop = &stop_requested;
	/* The final action decides about the re-IPL, not the dump. */
	j.reipl = 0;
	fflush(stdout);
	rc = dumpjob_run(&j);
	dumpjob_finish(&j);
	r->dumped = rc;
	return rc;
}

/* Run another applet's main in a child: its exit() ends the child only. */
static int run_applet(const char *name, int (*fn)(int, char **), char **argv)
{
	pid_t pid;
	int status, argc = 0;

	if (!fn) {
		printf("%s is not part of this build.\n", name);
		return EXIT_NO_APPLET;
	}
	while (argv[argc])
		argc++;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		warnmsg("fork:");
		return EXIT_DAMAGED;
	}
	if (pid == 0) {
		applet_name = name;
		/* getopt's state is rescue's own, from parsing its options:
		 * 0 makes glibc and musl start afresh. */
		optind = 0;
		exit(finish_stdout(fn(argc, argv)));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_DAMAGED;
}

#define SCREEN_LINES 20
#define LOG_LINES 200		/* of the crash log, kept for the pager */

/* A pager that works on a line console too: a screenful from line first,
 * then Enter for the next, b for the one before, q back to the menu. */
static void page(struct rescue *r, char **line, unsigned n, unsigned first)
{
	unsigned top = first;
	char answer[16];

	for (;;) {
		unsigned end = top + SCREEN_LINES < n ? top + SCREEN_LINES : n;

		for (unsigned i = top; i < end; i++)
			printf("%s\n", line[i]);
		if (end == n && top == 0)
			break;
		if (end == n)
			printf("--End-- (lines %u-%u of %u; b: earlier, Enter: back) ", top + 1, end, n);
		else
			printf("--More-- (lines %u-%u of %u; Enter: later, b: earlier, q: back) ",
			       top + 1, end, n);
		if (read_line(r, answer, sizeof(answer)) < 0 || answer[0] == 'q')
			break;
		if (answer[0] == 'b')
			top = top > SCREEN_LINES ? top - SCREEN_LINES : 0;
		else if (end == n)
			break;
		else
			top = end;
	}
	fflush(stdout);
}

/* The log's lines, opened where an operator looks first: the last crash
 * report; with no panic, the last screen. */
static void show_lines(struct rescue *r, char *buf, size_t size)
{
	char *line[LOG_LINES + 1];
	unsigned n = 0, first;

	for (char *p = buf, *nl; p < buf + size && n < ARRAY_SIZE(line); p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(buf + size - p));
		if (!nl)
			nl = buf + size;
		*nl = '\0';
		line[n++] = p;
	}
	first = crashlog_report_start((const char *const *)line, n);
	if (first == n)
		first = n > SCREEN_LINES ? n - SCREEN_LINES : 0;
	printf("The last %u lines of the crash log, from line %u, where the crash is reported:\n",
	       n, first + 1);
	page(r, line, n, first);
}

static void show_log(struct rescue *r)
{
	struct err err;
	char *buf;
	size_t size;
	struct window w;
	struct vmcore vc;

	if (window_open(&w, r->vmcore) < 0) {
		printf("No crash dump, no crash log.\n");
		return;
	}
	if (vmcore_open(&vc, &w) == 0) {
		buf = printk_log_text(&vc, LOG_LINES, SIZE_MAX, &size, &err);
		if (err.msg[0])
			printf("The crash log cannot be read: %s\n", err.msg);
		else if (buf)
			show_lines(r, buf, size);
		free(buf);
		vmcore_close(&vc);
	}
	window_close(&w);
}

static void inspect(struct rescue *r)
{
	char *info[] = { "vmcore-inspect", "info", r->vmcore, NULL };
	char *notes[] = { "vmcore-inspect", "notes", r->vmcore, NULL };

	if (!r->have_vmcore) {
		printf("No crash dump to inspect.\n");
		return;
	}
	run_applet("vmcore-inspect", vmcore_inspect_main, info);
	run_applet("vmcore-inspect", vmcore_inspect_main, notes);
}

static void prepare_disk(struct rescue *r)
{
	char dev[256], answer[16];
	char *list[] = { "diskprep", "list", NULL };
	char *prep[] = { "diskprep", "prep", dev, NULL };

	run_applet("diskprep", diskprep_main, list);
	printf("Device to prepare (e.g. /dev/sdb; empty: back): ");
	if (read_line(r, dev, sizeof(dev)) < 0 || !dev[0])
		return;
	printf("Everything on %s may be lost. Type YES to go on: ", dev);
	if (read_line(r, answer, sizeof(answer)) < 0 || strcmp(answer, "YES") != 0) {
		printf("Left alone.\n");
		return;
	}
	/* diskprep refuses a disk that holds data without --force: that
	 * refusal is shown, and is final here. */
	run_applet("diskprep", diskprep_main, prep);
	look(r);
}

static void shell(struct rescue *r)
{
	(void)r;
	if (!IS_ENABLED(CONFIG_RESCUE_SHELL)) {
		printf("This rescue system has no shell.\n");
		return;
	}
	if (access(SHELL_PATH, X_OK) < 0) {
		printf("No shell at %s.\n", SHELL_PATH);
		return;
	}
	printf("Leave the shell with 'exit' to come back to this menu.\n");
	char *argv[] = { "sh", NULL };
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execv(SHELL_PATH, argv);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
}

/* The final actions. Only PID 1 may end the system: anywhere else (a test,
 * an operator trying the menu on a running machine) they are reported. */
static int final_action(struct rescue *r, const char *action, int status)
{
	int cmd;

	if (strcmp(action, "menu") == 0)
		return -1;
	if (strcmp(action, "shell") == 0) {
		shell(r);
		return -1;
	}
	printf("Final action: %s\n", action);
	fflush(NULL);
	sync();
	if (strcmp(action, "reipl") == 0) {
		if (getpid() == 1 && !r->no_act && s390_reipl(&r->roots) == 0)
			pause();
		action = "reboot";	/* no zcore: a plain reboot */
	}
	/* reboot(2) takes an int; RB_POWER_OFF does not fit one. */
	cmd = (int)(strcmp(action, "poweroff") == 0 ? RB_POWER_OFF
		    : strcmp(action, "halt") == 0 ? RB_HALT_SYSTEM : RB_AUTOBOOT);
	if (getpid() != 1 || r->no_act) {
		printf("(not done: %s)\n", getpid() != 1 ? "not PID 1" : "--no-act");
		exit(status);
	}
	reboot(cmd);
	warnmsg("%s failed:", action);
	for (;;)
		pause();
}

static int menu(struct rescue *r);

static int automatic(struct rescue *r)
{
	int rc = dump_now(r);

	/* "menu" and "shell" come back here: the operator decides next. */
	if (final_action(r, rc == EXIT_OK ? r->final : r->on_failure, rc) < 0)
		return menu(r);
	return rc;
}

static const char *const entries[] = {
	"Dump now", "Show the crash log", "Inspect the dump", "Prepare a dump disk",
	"Rescue shell", "Reboot", "Power off",
};

static int menu(struct rescue *r)
{
	char answer[32];
	unsigned n = ARRAY_SIZE(entries);
	uint64_t choice;

	for (;;) {
		show_status(r);
		printf("\n");
		for (unsigned i = 0; i < n; i++) {
			if (i == 4 && !IS_ENABLED(CONFIG_RESCUE_SHELL))
				continue;
			printf(" %u) %s\n", i + 1, entries[i]);
		}
		printf("Choice [1-%u]: ", n);
		if (read_line(r, answer, sizeof(answer)) < 0) {
			/* Nobody at the console: the automatic path. */
			printf("\nNo input: ");
			/* Once the automatic path has run, only a final action
			 * that ends the menu is left. */
			if (r->dumped >= 0) {
				printf("done.\n");
				final_action(r, strcmp(r->final, "menu") != 0 &&
						strcmp(r->final, "shell") != 0 ? r->final : "reboot",
					     r->dumped);
				return r->dumped;
			}
			if (!r->have_vmcore) {
				printf("nothing to dump.\n");
				final_action(r, strcmp(r->final, "menu") != 0 &&
						strcmp(r->final, "shell") != 0 ? r->final : "reboot",
					     EXIT_NOT_OURS);
				return EXIT_NOT_OURS;
			}
			printf("dumping automatically.\n");
			return automatic(r);
		}
		if (parse_u64(answer, &choice) < 0 || choice < 1 || choice > n ||
		    (choice == 5 && !IS_ENABLED(CONFIG_RESCUE_SHELL))) {
			printf("Please answer with a number from the list.\n");
			continue;
		}
		switch (choice) {
		case 1: dump_now(r); look(r); break;
		case 2: show_log(r); break;
		case 3: inspect(r); break;
		case 4: prepare_disk(r); break;
		case 5: shell(r); break;
		case 6: final_action(r, "reboot", r->dumped >= 0 ? r->dumped : EXIT_OK); break;
		case 7: final_action(r, "poweroff", r->dumped >= 0 ? r->dumped : EXIT_OK); break;
		}
	}
}

/* "Automatic dump in 10 s, press any key for the menu": 1 when the
 * operator wants the menu, 0 when time ran out or nobody is there. */
static int countdown(struct rescue *r)
{
	struct termios saved;
	int raw = raw_mode(r, &saved), got = 0;
	const char *key = r->line_mode ? "press Enter" : "press any key";

	for (unsigned left = r->timeout; left > 0 && !got; left--) {
		/* A line console cannot rewrite a line: a new one now and
		 * then; elsewhere the line counts down in place. */
		if (r->tty && !r->line_mode)
			printf("\rAutomatic dump in %2u s, %s for the menu ", left, key);
		else if (left == r->timeout || left % 5 == 0 || left <= 3)
			printf("Automatic dump in %u s, %s for the menu\n", left, key);
		fflush(stdout);
		got = wait_key(r, 1);
	}
	if (raw)
		tcsetattr(r->in, TCSANOW, &saved);
	if (r->tty && !r->line_mode)
		printf("\n");
	return got == 1;
}

static const char *checked_action(const char *what, const char *val)
{
	static const char *const ok[] = { "reboot", "poweroff", "halt", "shell", "reipl", "menu" };

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (strcmp(val, ok[i]) == 0)
			return val;
	warnmsg("%s: unknown action '%s', using reboot", what, val);
	return "reboot";
}

static int set_mode(struct rescue *r, const char *m)
{
	if (strcmp(m, "auto") == 0)
		r->mode = MODE_AUTO;
	else if (strcmp(m, "menu") == 0)
		r->mode = MODE_MENU;
	else if (strcmp(m, "shell") == 0)
		r->mode = MODE_SHELL;
	else
		return -1;
	return 0;
}

/* The command line first, then options over it: a bad option is a usage
 * error, a bad parameter is warned about and left out, since the dump
 * must go on. */
static void settings(struct rescue *r)
{
	const char *const *v = r->bp.val;
	char path[4200], spelt[32];
	struct dumpjob probe;
	struct err e;
	uint64_t n;

	snprintf(path, sizeof(path), "%s/cmdline", r->proc_root);
	cmdline_read(path, r->cmdline, sizeof(r->cmdline));
	bootparams_read(&r->bp, r->cmdline);
	if (v[BP_MODE] && set_mode(r, v[BP_MODE]) < 0) {
		if (r->bp.option[BP_MODE])
			usage_error("--mode is auto, menu or shell, not '%s'", v[BP_MODE]);
		warnmsg("dumpbox.mode=%s is not auto, menu or shell: using menu", v[BP_MODE]);
	}
	if (v[BP_TIMEOUT] && (parse_u64(v[BP_TIMEOUT], &n) < 0 || n > 86400)) {
		if (r->bp.option[BP_TIMEOUT])
			usage_error("the timeout is seconds (0-86400), not '%s'", v[BP_TIMEOUT]);
		warnmsg("dumpbox.timeout=%s is not seconds (0-86400): using %u", v[BP_TIMEOUT],
			r->timeout);
	} else if (v[BP_TIMEOUT]) {
		r->timeout = (unsigned)n;
	}
	r->target = v[BP_TARGET];
	r->path = v[BP_PATH];
	if (bootparams_output(&r->bp, &r->set, &e) < 0)
		usage_error("%s", e.msg);
	dumpjob_init(&probe);
	output_settings(r, &probe);
	dumpjob_describe(&probe, r->output, sizeof(r->output));
	r->final = v[BP_FINAL];
	if (!r->final) {
		char type[32];

		/* On s390 the machine is given back by re-IPL when zcore
		 * offers it, as the reference tool does. */
		r->final = s390_ipl_type(&r->roots, type, sizeof(type)) == 0 &&
			   strcmp(type, "fcp_dump") == 0 ? "reipl" : "reboot";
	}
	r->final = checked_action(bootparam_spelling(&r->bp, BP_FINAL, spelt, sizeof(spelt)),
				  r->final);
	r->on_failure = v[BP_ON_FAILURE] ? checked_action(bootparam_spelling(&r->bp,
				  BP_ON_FAILURE, spelt, sizeof(spelt)), v[BP_ON_FAILURE]) : r->final;
	if (r->mode == MODE_SHELL && !IS_ENABLED(CONFIG_RESCUE_SHELL)) {
		warnmsg("this rescue system has no shell: using the menu");
		r->mode = MODE_MENU;
	}
}

static int run(struct rescue *r)
{
	if (r->mode == MODE_SHELL) {
		shell(r);
		return menu(r);
	}
	if (r->mode == MODE_AUTO) {
		show_status(r);
		if (!r->have_vmcore) {
			printf("Nothing to dump: here is the menu.\n");
			return menu(r);
		}
		return automatic(r);
	}
	if (r->have_vmcore)
		show_status(r);
	if (r->have_vmcore && !countdown(r)) {
		printf("Dumping automatically.\n");
		return automatic(r);
	}
	return menu(r);
}

int rescue_main(int argc, char **argv)
{
	/* An option for each setting of the table, then the test options. */
	enum { OPT_BP = 256, OPT_PROC = OPT_BP + BP_COUNT, OPT_SYSFS, OPT_DEBUGFS, OPT_DEV, OPT_NO_ACT };
	static const struct option longopts[] = {
		BOOTPARAM_LONGOPTS(OPT_BP),
		{ "proc-root", required_argument, NULL, OPT_PROC },
		{ "sysfs-root", required_argument, NULL, OPT_SYSFS },
		{ "debugfs-root", required_argument, NULL, OPT_DEBUGFS },
		{ "dev-root", required_argument, NULL, OPT_DEV },
		{ "no-act", no_argument, NULL, OPT_NO_ACT },
		{ NULL, 0, NULL, 0 },
	};
	struct rescue r = {
		.mode = MODE_MENU,
		.timeout = 10,
		.proc_root = "/proc",
		.dev_root = "/dev",
		.roots = { .sysfs = "/sys", .debugfs = "/sys/kernel/debug" },
		.in = STDIN_FILENO,
		.dumped = -1,
	};
	int c;

	while ((c = getopt_long(argc, argv, "d:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PROC: r.proc_root = optarg; break;
		case OPT_SYSFS: r.roots.sysfs = optarg; break;
		case OPT_DEBUGFS: r.roots.debugfs = optarg; break;
		case OPT_DEV: r.dev_root = optarg; break;
		case OPT_NO_ACT: r.no_act = 1; break;
		default:
			if (!bootparams_getopt(&r.bp, c, OPT_BP, optarg))
				usage_bad_option(argv);
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	snprintf(r.vmcore, sizeof(r.vmcore), "%s/vmcore", r.proc_root);
	settings(&r);

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	r.tty = isatty(r.in);
	r.line_mode = is_line_console(&r);
	look(&r);

	int rc = run(&r);

	/* PID 1 must not exit (the kernel would panic): whatever path got
	 * here, end with a reboot. */
	if (getpid() == 1)
		final_action(&r, "reboot", rc);
	return rc;
}
