/* init: PID 1 of our initramfs. Sets the system up (file systems, disk
 * drivers, the dump disk) and hands over to the rescue menu, which takes
 * the dump and does the final action. A program, not a shell script: the
 * locked-down build ships no shell at all. */
//applet:init
//config:config INIT
//config:	bool "init: /init of the dump and rescue initramfs"
//config:	default y
//config:	help
//config:	  usage: init [--no-pid1-check] [--dry-run] [--root DIR]
//config:
//config:	  The initramfs's /init, run by the kernel as PID 1:
//config:	    1. mounts proc, sysfs, devtmpfs (/dev), debugfs
//config:	    2. loads the kernel modules listed in
//config:	       /lib/modules/RELEASE/modules.load, in order (finit_module;
//config:	       a failure is reported and the next one tried); parameters
//config:	       come from the kernel command line as MODULE.PARAM=VALUE;
//config:	       each module file is deleted once loaded (rootfs is RAM)
//config:	    3. in a dump (capture) kernel, or when dumpbox.target= is set,
//config:	       waits up to dumpbox.settle=SECONDS (default 10) for the dump
//config:	       disk to appear; when it is a filesystem, loads the modules
//config:	       of modules.fs-TYPE (ext4, xfs, btrfs) and deletes the other
//config:	       filesystems' module files; when it is ssh:USER@HOST or
//config:	       nfs:HOST:/EXPORT, loads the network's modules
//config:	       (modules.fs-ssh, modules.fs-nfs4) and brings the network
//config:	       up as ip= says (the kernel's syntax: CLIENT:SERVER:GW:
//config:	       NETMASK:HOSTNAME:DEVICE:AUTOCONF:DNS0:DNS1, or dhcp;
//config:	       default dhcp), on the device dumpbox.ifmac=MAC names if
//config:	       given; DHCP is our own client (no shell or udhcpc needed)
//config:	    4. runs /bin/rescue, which reads dumpbox.mode= and the other
//config:	       dumpbox.* parameters itself. A build without the rescue
//config:	       applet dumps with zfcpdump and then does dumpbox.final=
//config:	       (reboot, poweroff or halt; default reboot).
//config:	  It ignores init=, rdinit= and every request for a shell.
//config:
//config:	    --no-pid1-check   run although not PID 1 (tests)
//config:	    --dry-run         say what would be done, do nothing
//config:	    --root DIR        read proc/cmdline, lib/modules, bin/ under DIR
//config:	                      (with --dry-run, for tests)
//config:
//config:	  Exit status (not PID 1 only): 0 done, 64 usage error or not PID 1.
//config:
//config:config INIT_SELFTEST
//config:	bool "Test hook: dumpbox.selftest=crash crashes the first kernel"
//config:	default y
//config:	depends on INIT
//config:	help
//config:	  For the end-to-end tests: when the kernel command line has
//config:	  dumpbox.selftest=crash and there is no /proc/vmcore, init loads
//config:	  /boot/vmlinuz with /boot/dumpbox-initramfs.cpio.gz as crash
//config:	  kernel (kdump-load) and crashes the kernel (sysrq c), so that
//config:	  the same initramfs then runs in the capture kernel. Both files
//config:	  are in the test initramfs only (scripts/mkinitramfs --selftest).
//config:	  Only who sets the kernel command line can trigger it.

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "disk/dumpdisk.h"
#include "disk/dumpfind.h"
#include "sys/cmdline.h"
#include "sys/modload.h"
#include "sys/net.h"

#define SETTLE_DEFAULT	10
#define SETTLE_MAX	600
#define LIST_MAX	(1u << 20)
#define SELFTEST_KERNEL	"/boot/vmlinuz"
#define SELFTEST_INITRD	"/boot/dumpbox-initramfs.cpio.gz"

struct init {
	int dry_run;
	const char *root;	/* "" on a real boot */
	char cmdline[4096];
	char release[65];
	int capture;		/* /proc/vmcore exists: a dump kernel */
	char target[256];
	int has_target;
	unsigned settle;
	char final[16];
	unsigned mod_failed;
};

static void say(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void say(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", applet_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const char *rpath(const struct init *c, const char *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", c->root, p);
	return buf;
}

/* If the kernel found no /dev/console in the archive, init starts with
 * nothing open; the console exists once devtmpfs is mounted. */
static void open_console(void)
{
	int fd;

	if (fcntl(1, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static void mount_all(struct init *c)
{
	static const struct {
		const char *type, *dir, *opts;
		unsigned long flags;
	} m[] = {
		{ "proc", "/proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
		{ "sysfs", "/sys", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
		{ "devtmpfs", "/dev", "mode=0755", MS_NOSUID },
		/* zcore (s390) lives in debugfs. */
		{ "debugfs", "/sys/kernel/debug", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	};

	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		struct stat a, b;
		char parent[64];

		if (c->dry_run) {
			say("would mount %s on %s", m[i].type, m[i].dir);
			continue;
		}
		/* Not PID 1 (a test): leave what is mounted alone. */
		snprintf(parent, sizeof(parent), "%s/..", m[i].dir);
		if (getpid() != 1 && stat(m[i].dir, &a) == 0 && stat(parent, &b) == 0 &&
		    a.st_dev != b.st_dev)
			continue;
		if (mkdir(m[i].dir, 0755) < 0 && errno != EEXIST)
			warnmsg("mkdir %s:", m[i].dir);
		if (mount(m[i].type, m[i].dir, m[i].type, m[i].flags, m[i].opts) < 0 &&
		    errno != EBUSY)
			warnmsg("cannot mount %s on %s:", m[i].type, m[i].dir);
	}
	if (!c->dry_run)
		open_console();
}

static char *read_file(const char *path, size_t max, size_t *len)
{
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	buf = xmalloc(max + 1);
	if (pread_full(fd, buf, max, 0, &got) < 0 && errno != 0 && got == 0) {
		close(fd);
		free(buf);
		return NULL;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* Which kernels the initramfs has modules for, for the message when the
 * running one is not among them. */
static void other_releases(const struct init *c, char *buf, size_t len)
{
	char p[4096];
	DIR *d = opendir(rpath(c, MODLOAD_DIR, p, sizeof(p)));
	struct dirent *e;
	size_t n = 0;

	buf[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d)) && n + 2 < len) {
		if (e->d_name[0] == '.')
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", e->d_name);
	}
	closedir(d);
}

static const char *modload_why(int err)
{
	switch (err) {
	case ENOENT:
		return "unknown symbol: a module it needs is missing or was not loaded first";
	case ENOEXEC:
		return "not a module for this kernel (version or architecture)";
	case EKEYREJECTED:
	case EBADMSG:
	case ENOKEY:
		return "module signature rejected (module.sig_enforce or lockdown)";
	case EPERM:
		return "not permitted (lockdown, or modules disabled)";
	default:
		return strerror(err);
	}
}

/* Load the modules of one load list, in order; a module the kernel has
 * is deleted from the archive (rootfs is RAM in a dump kernel). Returns
 * how many loaded, -1 when there is no such list. */
static int load_list(struct init *c, const char *listname)
{
	char dir[4096], list[4096 + 32], file[4096 + MODLOAD_NAME_MAX + 2];
	struct err err;
	char name[MODLOAD_NAME_MAX], mod[MODLOAD_NAME_MAX], params[1024];
	struct modload_iter it;
	unsigned loaded = 0;
	size_t len;
	char *text;
	int rc;

	snprintf(dir, sizeof(dir), "%s%s/%s", c->root, MODLOAD_DIR, c->release);
	snprintf(list, sizeof(list), "%s/%s", dir, listname);
	text = read_file(list, LIST_MAX, &len);
	if (!text)
		return -1;
	modload_iter_init(&it, text, len);
	while ((rc = modload_next(&it, name, sizeof(name), &err)) != 0) {
		int fd;

		if (rc < 0) {
			warnmsg("%s: %s", list, err.msg);
			c->mod_failed++;
			continue;
		}
		modload_modname(name, mod, sizeof(mod));
		modload_params(c->cmdline, mod, params, sizeof(params));
		snprintf(file, sizeof(file), "%s/%s", dir, name);
		if (c->dry_run) {
			say("would load %s%s%s", name, params[0] ? " " : "", params);
			continue;
		}
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			warnmsg("cannot load %s:", name);
			c->mod_failed++;
			continue;
		}
		if (syscall(SYS_finit_module, fd, params, 0) < 0 && errno != EEXIST) {
			warnmsg("cannot load %s: %s", mod, modload_why(errno));
			c->mod_failed++;
		} else {
			loaded++;
			/* The kernel has its copy. A failed one stays, for
			 * the rescue shell's insmod. */
			if (unlink(file) < 0)
				warnmsg("%s:", file);
		}
		close(fd);
	}
	free(text);
	return (int)loaded;
}

static void load_modules(struct init *c)
{
	double t0 = monotonic_seconds();
	int n = load_list(c, MODLOAD_LIST);

	if (n < 0) {
		char others[512];

		other_releases(c, others, sizeof(others));
		if (others[0])
			warnmsg("no modules for this kernel (%s) in the initramfs; it has modules "
				"for: %s", c->release, others);
		return;
	}
	if (!c->dry_run)
		say("loaded %d module%s%s in %.2f s", n, n == 1 ? "" : "s",
		    c->mod_failed ? " (some failed, see above)" : "", monotonic_seconds() - t0);
}

/* Whether a load list's text names module file name (one a line). */
static int listed(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, name, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

/* The filesystem modules (modules.fs-TYPE) are loaded for the target's
 * filesystem only, and the files of the others deleted: together they
 * are ten MiB of a dump kernel's few dozen. fstype NULL: the target is a
 * dump disk, none is needed. */
static void filesystem_modules(struct init *c, const char *fstype)
{
	char dir[4096], list[64], file[4096 + MODLOAD_NAME_MAX + 2];
	char name[MODLOAD_NAME_MAX];
	struct modload_iter it;
	struct err err;
	DIR *d;
	struct dirent *e;
	unsigned long long freed = 0;
	double t0 = monotonic_seconds();
	/* What is kept or gone already, one name a line: a module two
	 * filesystems share (crc32c) is one file. */
	size_t donelen = 0, donecap = 4096;
	char *done = xmalloc(donecap);

	done[0] = '\0';
	snprintf(dir, sizeof(dir), "%s%s/%s", c->root, MODLOAD_DIR, c->release);
	if (fstype) {
		size_t len;
		char *text;
		int n;

		snprintf(list, sizeof(list), "%s%s", MODLOAD_FS_LIST, fstype);
		n = load_list(c, list);
		if (n >= 0 && !c->dry_run)
			say("loaded %d module%s for the target's %s in %.2f s", n,
			    n == 1 ? "" : "s", fstype, monotonic_seconds() - t0);
		snprintf(file, sizeof(file), "%s/%s", dir, list);
		text = read_file(file, LIST_MAX, &len);
		if (text) {
			free(done);
			done = text;
			donelen = donecap = len;
		}
	}
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		size_t len;
		char *text;
		int rc;

		if (strncmp(e->d_name, MODLOAD_FS_LIST, strlen(MODLOAD_FS_LIST)) != 0 ||
		    (fstype && strcmp(e->d_name + strlen(MODLOAD_FS_LIST), fstype) == 0))
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
		text = read_file(file, LIST_MAX, &len);
		if (!text)
			continue;
		modload_iter_init(&it, text, len);
		while ((rc = modload_next(&it, name, sizeof(name), &err)) != 0) {
			struct stat st;
			size_t n = strlen(name);

			snprintf(file, sizeof(file), "%s/%s", dir, name);
			if (rc < 0 || listed(done, name) || stat(file, &st) < 0)
				continue;
			if (donelen + n + 2 > donecap) {
				donecap = 2 * (donelen + n + 2);
				done = xrealloc(done, donecap);
			}
			snprintf(done + donelen, donecap - donelen, "\n%s", name);
			donelen += n + 1;
			if (c->dry_run)
				say("would delete %s", name);
			else if (unlink(file) == 0)
				freed += (unsigned long long)st.st_size;
		}
		free(text);
	}
	if (d)
		closedir(d);
	free(done);
	if (freed)
		say("deleted the other filesystems' modules: %.1f MiB freed", mib(freed));
}

/* Run a program and wait for it; its exit status, or -1. */
static int run(const char *path, char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		warnmsg("fork:");
		return -1;
	}
	if (pid == 0) {
		execv(path, argv);
		warnmsg("cannot run %s:", path);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static NORETURN void final_action(struct init *c, const char *what)
{
	int cmd = RB_AUTOBOOT;

	if (strcmp(what, "poweroff") == 0)
		cmd = RB_POWER_OFF;
	else if (strcmp(what, "halt") == 0)
		cmd = RB_HALT_SYSTEM;
	else
		what = "reboot";
	/* Only PID 1 may take the machine down: a test run of init as root
	 * must not reboot the host. */
	if (c->dry_run || getpid() != 1) {
		say("would %s", what);
		exit(finish_stdout(EXIT_OK));
	}
	say("%s", what);
	sync();
	reboot(cmd);
	warnmsg("reboot(2):");
	for (;;)
		pause();
}

static void selftest_crash(struct init *c)
{
	/* panic=1: a capture kernel that panics too ends the test run
	 * instead of hanging until its timeout. */
	char *argv[] = { "kdump-load", "--kernel", SELFTEST_KERNEL, "--initrd", SELFTEST_INITRD,
			 "--append", "panic=1", NULL };
	int fd, rc;

	say("selftest: loading %s as crash kernel, then crashing this kernel", SELFTEST_KERNEL);
	if (c->dry_run || getpid() != 1) {
		say("would run kdump-load --kernel %s --initrd %s, then echo c > "
		    "/proc/sysrq-trigger", SELFTEST_KERNEL, SELFTEST_INITRD);
		return;
	}
	rc = run("/bin/kdump-load", argv);
	if (rc != 0) {
		say("selftest failed: kdump-load exited with %d", rc);
		final_action(c, "poweroff");
	}
	sync();
	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "c", 1) != 1)
		warnmsg("/proc/sysrq-trigger:");
	sleep(5);
	say("selftest failed: still running after sysrq-c");
	final_action(c, "poweroff");
}

/* A dump over the network: its modules, then the interface as ip= (or
 * DHCP) says. A failure is said here and the dump then fails with the
 * server's name, so the menu and the final action still run. */
static void network(struct init *c, const char *group)
{
	struct net_config cfg;
	struct net_lease l;
	struct err err;
	char v[256], sys[4096], line[256];
	double t0;

	filesystem_modules(c, group);
	net_config_init(&cfg);
	if (cmdline_get(c->cmdline, "ip", v, sizeof(v)) == 0 &&
	    net_parse_ip(v, &cfg, &err) < 0) {
		say("ip=%s: %s: trying DHCP", v, err.msg);
		net_config_init(&cfg);
	}
	if (cmdline_get(c->cmdline, "dumpbox.ifmac", v, sizeof(v)) == 0) {
		if (net_parse_mac(v, cfg.mac) == 0)
			cfg.has_mac = 1;
		else
			say("dumpbox.ifmac=%s: not a MAC address (left out)", v);
	}
	if (c->dry_run) {
		say("would bring up the network (%s)", cfg.method == NET_STATIC ? "static ip=" :
		    cfg.method == NET_OFF ? "ip=off: none" : "DHCP");
		return;
	}
	if (cfg.method == NET_OFF) {
		say("ip=off: no network for a dump to %s", c->target);
		return;
	}
	t0 = monotonic_seconds();
	if (net_up(&cfg, rpath(c, "/sys", sys, sizeof(sys)), "/etc/resolv.conf", &l, &err) < 0) {
		say("network: %s", err.msg);
		return;
	}
	net_lease_line(&l, line, sizeof(line));
	say("network: %s, in %.1f s", line, monotonic_seconds() - t0);
}

/* SCSI and zfcp scanning go on after the modules are loaded: wait for the
 * dump disk, not a fixed time; then the modules of the target's
 * filesystem. A dry run looks once. */
static void settle(struct init *c)
{
	struct err err;
	char sys[4096], dev[4096];
	struct dumpdisk_found f;
	struct fs_found fs;
	double t0 = monotonic_seconds();
	const char *spec = c->has_target ? c->target : NULL;
	int rc;

	if (!c->settle || (!c->capture && !c->has_target))
		return;
	if (spec && (strncmp(spec, "ssh:", 4) == 0 || strncmp(spec, "nfs:", 4) == 0)) {
		network(c, spec[0] == 's' ? "ssh" : "nfs4");
		return;
	}
	rpath(c, "/sys", sys, sizeof(sys));
	rpath(c, "/dev", dev, sizeof(dev));
	for (;;) {
		rc = dumpdisk_lookup(spec, sys, dev, &f, &err);
		if (rc == 0) {
			filesystem_modules(c, NULL);
			break;
		}
		/* A target that names no dump disk may name a filesystem. */
		if (rc == EXIT_NOT_OURS && spec) {
			rc = fs_lookup(spec, sys, dev, &fs, &err);
			if (rc == 0)
				filesystem_modules(c, fs.info.type);
		}
		/* Ambiguous is found too: the menu says which ones. */
		if (rc == 0 || rc == EXIT_USAGE)
			break;
		if (c->dry_run) {
			say("would wait up to %u s for %s", c->settle, spec ? spec : "a dump disk");
			return;
		}
		if (monotonic_seconds() - t0 >= c->settle) {
			say("%s (waited %u s)", err.msg, c->settle);
			return;
		}
		usleep(100 * 1000);
	}
	if (monotonic_seconds() - t0 >= 0.5)
		say("dump target there after %.1f s", monotonic_seconds() - t0);
}

static void read_settings(struct init *c)
{
	char p[4096], v[32];
	struct utsname u;
	uint64_t n;

	cmdline_read(rpath(c, "/proc/cmdline", p, sizeof(p)), c->cmdline, sizeof(c->cmdline));
	if (uname(&u) == 0)
		snprintf(c->release, sizeof(c->release), "%s", u.release);
	c->capture = access(rpath(c, "/proc/vmcore", p, sizeof(p)), F_OK) == 0;
	c->has_target = cmdline_get(c->cmdline, "dumpbox.target", c->target, sizeof(c->target)) == 0 &&
			c->target[0];
	c->settle = SETTLE_DEFAULT;
	if (cmdline_get(c->cmdline, "dumpbox.settle", v, sizeof(v)) == 0) {
		if (parse_u64(v, &n) == 0 && n <= SETTLE_MAX)
			c->settle = (unsigned)n;
		else
			warnmsg("dumpbox.settle=%s: not a number of seconds up to %d", v, SETTLE_MAX);
	}
	if (cmdline_get(c->cmdline, "dumpbox.final", c->final, sizeof(c->final)) < 0)
		snprintf(c->final, sizeof(c->final), "reboot");
}

static void banner(struct init *c)
{
	struct sysinfo si;
	struct stat st;
	char p[4096], mem[96] = "";

	if (sysinfo(&si) == 0)
		snprintf(mem, sizeof(mem), ", %llu MiB memory (%llu MiB free)",
			 (unsigned long long)si.totalram * si.mem_unit >> 20,
			 (unsigned long long)si.freeram * si.mem_unit >> 20);
	if (c->capture && stat(rpath(c, "/proc/vmcore", p, sizeof(p)), &st) == 0)
		say("dumpbox %s on Linux %s%s; /proc/vmcore: %llu MiB to dump", DUMPBOX_VERSION,
		    c->release, c->dry_run ? "" : mem, (unsigned long long)st.st_size >> 20);
	else
		say("dumpbox %s on Linux %s%s; no /proc/vmcore", DUMPBOX_VERSION, c->release,
		    c->dry_run ? "" : mem);
}

static NORETURN void hand_over(struct init *c)
{
	char p[4096];
	char *rescue[] = { "rescue", NULL };

	if (access(rpath(c, "/bin/rescue", p, sizeof(p)), X_OK) == 0) {
		if (c->dry_run) {
			char env[512];
			size_t n = 0;

			env[0] = '\0';
			for (char **e = environ; *e && n + 2 < sizeof(env); e++)
				n += (size_t)snprintf(env + n, sizeof(env) - n, "%s%s", n ? " " : "", *e);
			say("would run /bin/rescue (environment: %s)", env);
			exit(finish_stdout(EXIT_OK));
		}
		execv("/bin/rescue", rescue);
		warnmsg("cannot run /bin/rescue:");
	}
	if (c->capture) {
		char *argv[] = { "zfcpdump", NULL, NULL, NULL };

		if (c->has_target) {
			argv[1] = "--target";
			argv[2] = c->target;
		}
		say("no rescue menu in this build: dumping with zfcpdump");
		if (c->dry_run)
			say("would run /bin/zfcpdump%s%s", c->has_target ? " --target " : "",
			    c->has_target ? c->target : "");
		else
			run("/bin/zfcpdump", argv);
	} else {
		say("no /proc/vmcore and no rescue menu: nothing to do");
	}
	final_action(c, c->final);
}

/* The kernel hands init every command-line word it does not know that
 * looks like NAME=VALUE as the environment: DUMPBOX_*, LD_PRELOAD or
 * anything else someone put on the command line would reach every
 * program started from here. They start with this environment and no
 * other: the terminal type is kept if it is a plain name. */
extern char **environ;

static void clean_environment(void)
{
	const char *t = getenv("TERM");
	char term[32] = "linux";

	if (t && t[0] && strlen(t) < sizeof(term) && strspn(t, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+") == strlen(t))
		snprintf(term, sizeof(term), "%s", t);
	clearenv();
	setenv("PATH", "/bin:/sbin", 1);
	setenv("HOME", "/", 1);
	setenv("TERM", term, 1);
}

int init_main(int argc, char **argv)
{
	struct init c = { .root = "" };
	int check_pid = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-pid1-check") == 0)
			check_pid = 0;
		else if (strcmp(argv[i], "--dry-run") == 0)
			c.dry_run = 1;
		else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			c.root = argv[++i];
		else
			/* The kernel passes init its unknown parameters as
			 * arguments; as PID 1 they are not ours to refuse. */
			if (getpid() != 1)
				usage_error("unknown argument '%s'", argv[i]);
	}
	if (getpid() != 1 && check_pid)
		die(EXIT_USAGE, "not PID 1: this is the initramfs's /init (--no-pid1-check runs it "
		    "anyway, --dry-run only says what it would do)");
	if (c.root[0] && !c.dry_run)
		usage_error("--root goes with --dry-run");
	clean_environment();
	umask(022);

	mount_all(&c);
	read_settings(&c);
	banner(&c);
	load_modules(&c);
	if (IS_ENABLED(CONFIG_INIT_SELFTEST) && !c.capture) {
		char v[16];

		if (cmdline_get(c.cmdline, "dumpbox.selftest", v, sizeof(v)) == 0 &&
		    strcmp(v, "crash") == 0)
			selftest_crash(&c);
	}
	settle(&c);
	hand_over(&c);
}
