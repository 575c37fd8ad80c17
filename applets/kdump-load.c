/* kdump-load: arm kdump. Loads a capture kernel and our initramfs into
 * the memory reserved with crashkernel=, so that a panic boots them and
 * the dump is taken; says plainly why when the kernel refuses. */
//applet:kdump-load
//config:config KDUMP_LOAD
//config:	bool "kdump-load: load the capture kernel for kdump"
//config:	default y
//config:	help
//config:	  usage: kdump-load [--kernel FILE] [--initrd FILE] [SETTINGS]
//config:	                    [--append ARGS]
//config:	         kdump-load --unload | --status [--json]
//config:	         kdump-load --test [SETTINGS] [--json]
//config:
//config:	  Load a capture kernel and initramfs with kexec_file_load(2), to be
//config:	  booted when this kernel crashes (KEXEC_FILE_ON_CRASH). Needs
//config:	  memory reserved at boot (crashkernel=SIZE).
//config:
//config:	    --kernel FILE     the capture kernel (default: the running one,
//config:	                      /boot/vmlinuz-RELEASE)
//config:	    --initrd FILE     its initramfs (default:
//config:	                      /boot/dumpbox-initramfs.cpio.gz)
//config:	    --append ARGS     add ARGS to the capture kernel's command line
//config:	                      (e.g. dumpbox.mode=auto dumpbox.target=LABEL=d)
//config:	    --cmdline LINE    the whole command line instead of the default:
//config:	                      "irqpoll nr_cpus=1 reset_devices", the console=,
//config:	                      dump_debug=, ip= and dumpbox.* parameters of
//config:	                      this kernel's command line, then --append
//config:	    --net DEV         the dump kernel's network as this system has it on
//config:	                      DEV: its IPv4 address, netmask, default route
//config:	                      and name servers as ip=, the device found by
//config:	                      its MAC (dumpbox.ifmac=), in place of the ip=
//config:	                      of this kernel's command line; without it, ip=
//config:	                      or else DHCP in the dump kernel
//config:	    --resolv FILE     --net: the name servers (default /etc/resolv.conf;
//config:	                      those on 127.0.0.0/8 are left out)
//config:	    --dry-run         say what would be loaded; load nothing
//config:	  SETTINGS, for the dump kernel (rescue --help says what each
//config:	  means), written into its command line as dumpbox.NAME=VALUE
//config:	  after this kernel's own dumpbox.* and before --append:
//config:	    --target SPEC, --format elf|kdump, -d/--dump-level N,
//config:	    --compress CODEC[:LEVEL], --fallback N,N, --threads N, --stall S,
//config:	    --mode auto|menu|shell, --timeout S, --final ACTION,
//config:	    --on-failure ACTION
//config:	  The output settings are checked here, before a crash: a bad
//config:	  option is a usage error, a bad dumpbox.* inherited or appended
//config:	  is warned about (the dump kernel leaves it out too).
//config:	    --unload          unload the capture kernel
//config:	    --status          is one loaded, how much memory is reserved
//config:	    --test            check without loading: crash memory reserved
//config:	                      and big enough for kernel + initramfs, the
//config:	                      initramfs has modules for the kernel, the
//config:	                      dump target exists; and what the dump
//config:	                      kernel will write there
//config:	    --kernel-version R  --test: the capture kernel's release, when
//config:	                      its image does not say
//config:	    --json            --status, --test: machine-readable output
//config:	    --sysfs-root DIR  /sys (tests)
//config:	    --proc-root DIR   /proc (tests)
//config:	    --dev-root DIR    /dev (tests)
//config:
//config:	  Exit status: 0 loaded (unloaded; status shown; every check
//config:	  passed), 1 the kernel refused (the message says why: crash memory,
//config:	  lockdown, signatures) or a check failed, 64 usage error.
//config:
//config:config KDUMP_LOAD_TEST
//config:	bool "kdump-load --test: check a kdump setup without loading"
//config:	default y
//config:	depends on KDUMP_LOAD
//config:	help
//config:	  The --test command: reads the initramfs (gzip) to compare its
//config:	  modules with the kernel, and looks for the dump disk.
//config:
//config:config KDUMP_LOAD_TEST_HOOKS
//config:	bool "Test hook: a fake kexec_file_load result"
//config:	default y
//config:	depends on KDUMP_LOAD
//config:	help
//config:	  DUMPBOX_KEXEC_FAKE=ERRNO (EPERM, EKEYREJECTED, EADDRNOTAVAIL, ...,
//config:	  or 0) makes kdump-load act as if kexec_file_load had returned
//config:	  that, without calling it: the tests check the messages without
//config:	  loading a kernel into the machine that runs them.

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "base/json.h"
#include "disk/dumpdisk.h"
#include "disk/dumpfind.h"
#include "job/bootparam.h"
#include "sys/cmdline.h"
#include "sys/cpio.h"
#include "sys/kexec.h"
#include "sys/modload.h"
#include "sys/net.h"
#include "sys/nfs.h"
#include "sys/ssh.h"

#define DEFAULT_INITRD "/boot/dumpbox-initramfs.cpio.gz"
#define DEFAULT_ARGS "irqpoll nr_cpus=1 reset_devices"
/* The kernel takes at most COMMAND_LINE_SIZE (2048 on x86, 4096 on s390). */
#define CMDLINE_MAX 2048
/* Images bigger than this are not kernels or initramfs for a crash kernel. */
#define FILE_MAX (1ull << 30)
/* What the capture kernel needs at run time beyond its image (the
 * bzImage's init_size) and its initramfs (packed, and unpacked in the
 * rootfs): the kernel's own allocations (page tables, slab, per-CPU areas,
 * the memmap). Measured with Debian's 6.1 amd64 kernel (init_size 63.6
 * MiB) and our x86_64 initramfs (1.8 MiB, 5.9 unpacked) booted by kdump
 * in QEMU (tests/qemu/crash-e2e --crashkernel): with crashkernel=128M the
 * capture kernel saw 77 MiB of RAM and had 46 MiB free when init started,
 * so 31 MiB were in use, 25 of them the kernel's own; crashkernel=96M
 * left 17 MiB free and the 435 MiB dump went through; crashkernel=80M
 * was loaded but the capture kernel ran out of memory while booting.
 * 24 MiB puts the line between those two (95.3 MiB needed); the dump's
 * working room comes from the part of init_size that the kernel frees
 * after it has unpacked itself (63.6 MiB asked, 51 MiB kept). */
#define RUNTIME_MARGIN (24ull << 20)

enum { OPT_KERNEL = 256, OPT_INITRD, OPT_APPEND, OPT_CMDLINE, OPT_DRY_RUN, OPT_UNLOAD,
       OPT_STATUS, OPT_TEST, OPT_KVER, OPT_JSON, OPT_SYSFS, OPT_PROC, OPT_DEV,
       OPT_NET, OPT_RESOLV, OPT_BP };	/* OPT_BP + enum bootparam: the dump kernel's settings */

struct kdump_load {
	const char *kernel, *initrd, *append, *cmdline_opt, *kver;
	const char *net, *resolv;	/* --net DEV, --resolv FILE */
	struct net_running nr;
	int dry_run, unload, status, test, json;
	struct kexec_roots roots;
	const char *dev_root;
	char kernel_buf[4096];
	char cmdline[CMDLINE_MAX];
	char running[4096];	/* this kernel's /proc/cmdline */
	struct kexec_status st;
	struct bootparams bp;	/* the options, then the command line's */
	struct dumpjob_settings out;	/* the output settings, checked */
	int zipl;			/* the dump target has zipl's layout */
	/* --test */
	struct json j;
	int failed;
	uint8_t *cpio;			/* the initramfs, unpacked */
	size_t cpio_len;
};

/* The default command line: what distributions give a capture kernel,
 * plus the console and our own settings from this kernel's line, so the
 * capture environment is configured where the system is. */
static void build_cmdline(struct kdump_load *k)
{
	char path[4096];
	size_t n = 0;
	const char *p;

	if (k->cmdline_opt) {
		snprintf(k->cmdline, sizeof(k->cmdline), "%s", k->cmdline_opt);
	} else {
		snprintf(path, sizeof(path), "%s/cmdline", k->roots.proc);
		cmdline_read(path, k->running, sizeof(k->running));
		n = (size_t)snprintf(k->cmdline, sizeof(k->cmdline), "%s", DEFAULT_ARGS);
		for (p = k->running; *p;) {
			const char *start;
			int quoted = 0;
			size_t len;

			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
			start = p;
			for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++)
				if (*p == '"')
					quoted = !quoted;
			len = (size_t)(p - start);
			if (!len)
				continue;
			/* dumpbox.selftest would crash the capture kernel too;
			 * dump_debug is the dump's (zfcpdump's) debug switch;
			 * ip= is the network a dump to ssh: or nfs: uses,
			 * unless --net says it. */
			if (k->net && ((len > 3 && strncmp(start, "ip=", 3) == 0) ||
				       (len > 14 && strncmp(start, "dumpbox.ifmac=", 14) == 0)))
				continue;
			if ((len > 8 && strncmp(start, "console=", 8) == 0) ||
			    (len > 3 && strncmp(start, "ip=", 3) == 0) ||
			    (len > 11 && strncmp(start, "dump_debug=", 11) == 0) ||
			    (len > 8 && strncmp(start, "dumpbox.", 8) == 0 &&
			     strncmp(start, "dumpbox.selftest", 16) != 0)) {
				if (n + 1 + len >= sizeof(k->cmdline))
					die(EXIT_USAGE, "the command line would be longer than %d bytes",
					    CMDLINE_MAX - 1);
				k->cmdline[n++] = ' ';
				memcpy(k->cmdline + n, start, len);
				n += len;
				k->cmdline[n] = '\0';
			}
		}
	}
	for (int i = 0; i < BP_COUNT; i++) {
		const char *v = k->bp.val[i];

		if (!k->bp.option[i])
			continue;
		/* The kernel's quoting has no escape for a quote. */
		if (strchr(v, '"') || strchr(v, '\n'))
			usage_error("--%s: a value with a quote or a newline cannot go on a "
				    "command line", bootparam_defs[i].option);
		n = strlen(k->cmdline);
		if ((size_t)snprintf(k->cmdline + n, sizeof(k->cmdline) - n,
				     strpbrk(v, " \t") ? "%sdumpbox.%s=\"%s\"" : "%sdumpbox.%s=%s",
				     n ? " " : "", bootparam_defs[i].name, v) >= sizeof(k->cmdline) - n)
			die(EXIT_USAGE, "the command line would be longer than %d bytes",
			    CMDLINE_MAX - 1);
	}
	if (k->net) {
		char args[256];
		struct err e;

		if (net_running(k->net, k->roots.proc, k->roots.sysfs, k->resolv, &k->nr, &e) < 0)
			die(e.status, "--net %s", e.msg);
		net_running_args(&k->nr, args, sizeof(args));
		n = strlen(k->cmdline);
		if ((size_t)snprintf(k->cmdline + n, sizeof(k->cmdline) - n, "%s%s", n ? " " : "",
				     args) >= sizeof(k->cmdline) - n)
			die(EXIT_USAGE, "the command line would be longer than %d bytes",
			    CMDLINE_MAX - 1);
	}
	if (k->append && *k->append) {
		n = strlen(k->cmdline);
		if (n + 1 + strlen(k->append) >= sizeof(k->cmdline))
			die(EXIT_USAGE, "the command line would be longer than %d bytes", CMDLINE_MAX - 1);
		snprintf(k->cmdline + n, sizeof(k->cmdline) - n, "%s%s", n ? " " : "", k->append);
	}
}

/* The output settings the dump kernel will find, checked now rather than
 * after a crash. */
static void check_settings(struct kdump_load *k)
{
	struct err e;

	bootparams_read(&k->bp, k->cmdline);
	if (bootparams_output(&k->bp, &k->out, &e) < 0)
		usage_error("%s", e.msg);
}

/* As the dump kernel's menu will show it: "kdump-compressed zstd, dump
 * level 31". */
static void describe_output(const struct kdump_load *k, char *buf, size_t len)
{
	struct dumpjob j;
	struct err e;

	/* check_settings() made sure the settings apply. */
	dumpjob_init(&j);
	if (dumpjob_apply(&j, &k->out, 1, &e) < 0)
		die(e.status, "%s", e.msg);
	dumpjob_describe(&j, buf, len);
}

static void default_paths(struct kdump_load *k, int need)
{
	struct utsname u;

	if (!k->kernel) {
		if (uname(&u) < 0)
			die(EXIT_DAMAGED, "uname:");
		snprintf(k->kernel_buf, sizeof(k->kernel_buf), "/boot/vmlinuz-%s", u.release);
		if (need && access(k->kernel_buf, R_OK) < 0)
			usage_error("no --kernel given, and %s (the running kernel's image) cannot be "
				    "read", k->kernel_buf);
		k->kernel = k->kernel_buf;
	}
	if (!k->initrd) {
		k->initrd = DEFAULT_INITRD;
		if (need && access(k->initrd, R_OK) < 0)
			usage_error("no --initrd given, and %s does not exist (`make initramfs` "
				    "builds one)", k->initrd);
	}
}

static int fake_errno(int *err)
{
	static const struct { const char *name; int err; } names[] = {
		{ "0", 0 }, { "EPERM", EPERM }, { "EKEYREJECTED", EKEYREJECTED },
		{ "EBADMSG", EBADMSG }, { "ENOKEY", ENOKEY }, { "ENODATA", ENODATA },
		{ "EADDRNOTAVAIL", EADDRNOTAVAIL }, { "ENOMEM", ENOMEM },
		{ "ENOEXEC", ENOEXEC }, { "ENOSYS", ENOSYS }, { "EBUSY", EBUSY },
		{ "EINVAL", EINVAL },
	};
	const char *v = getenv("DUMPBOX_KEXEC_FAKE");

	if (!IS_ENABLED(CONFIG_KDUMP_LOAD_TEST_HOOKS) || !v)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(v, names[i].name) == 0) {
			*err = names[i].err;
			return 1;
		}
	die(EXIT_USAGE, "DUMPBOX_KEXEC_FAKE=%s: not a known errno name", v);
}

static int do_kexec(int kfd, int ifd, const char *cmdline, unsigned long flags)
{
	int err;

	if (fake_errno(&err)) {
		errno = err;
		return err ? -1 : 0;
	}
	return kexec_file_load_sys(kfd, ifd, cmdline, flags);
}

static int refused(struct kdump_load *k, const char *what, int err)
{
	char why[512];

	kexec_read_status(&k->roots, &k->st);
	kexec_explain(err, &k->st, why, sizeof(why));
	warnmsg("%s refused (%s): %s", what, strerror(err), why);
	return EXIT_DAMAGED;
}

static int do_load(struct kdump_load *k)
{
	int kfd, ifd, rc;

	default_paths(k, 1);
	build_cmdline(k);
	check_settings(k);
	kexec_read_status(&k->roots, &k->st);
	if (k->dry_run) {
		char out[96];

		describe_output(k, out, sizeof(out));
		printf("kernel:  %s\ninitrd:  %s\ncmdline: %s\ndump:    %s\n", k->kernel, k->initrd,
		       k->cmdline, out);
		return EXIT_OK;
	}
	/* Say it before the kernel does, in words. */
	if (k->st.crash_size == 0) {
		warnmsg("no memory is reserved for a crash kernel (%s/kernel/kexec_crash_size is "
			"0): boot with crashkernel=SIZE, e.g. crashkernel=256M", k->roots.sysfs);
		return EXIT_DAMAGED;
	}
	kfd = open(k->kernel, O_RDONLY | O_CLOEXEC);
	if (kfd < 0)
		die(EXIT_DAMAGED, "%s:", k->kernel);
	ifd = open(k->initrd, O_RDONLY | O_CLOEXEC);
	if (ifd < 0)
		die(EXIT_DAMAGED, "%s:", k->initrd);
	rc = do_kexec(kfd, ifd, k->cmdline, KEXEC_FILE_ON_CRASH);
	close(kfd);
	close(ifd);
	if (rc < 0)
		return refused(k, "loading the crash kernel", errno);
	/* An armed crash kernel is the point, not the system call's result. */
	kexec_read_status(&k->roots, &k->st);
	if (k->st.loaded != 1) {
		warnmsg("the kernel accepted the load, but %s/kernel/kexec_crash_loaded is not 1",
			k->roots.sysfs);
		return EXIT_DAMAGED;
	}
	printf("%s: crash kernel loaded: %s, initramfs %s\n%s: command line: %s\n", applet_name,
	       k->kernel, k->initrd, applet_name, k->cmdline);
	return EXIT_OK;
}

static int do_unload(struct kdump_load *k)
{
	if (k->dry_run) {
		printf("would unload the crash kernel\n");
		return EXIT_OK;
	}
	if (do_kexec(-1, -1, NULL, KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH) < 0)
		return refused(k, "unloading the crash kernel", errno);
	printf("%s: crash kernel unloaded\n", applet_name);
	return EXIT_OK;
}

static int do_status(struct kdump_load *k)
{

	kexec_read_status(&k->roots, &k->st);
	if (k->json) {
		struct json j;

		json_init(&j, stdout);
		json_object(&j, NULL);
		if (k->st.loaded < 0)
			json_null(&j, "loaded");
		else
			json_bool(&j, "loaded", k->st.loaded);
		if (k->st.crash_size < 0)
			json_null(&j, "crash_size");
		else
			json_u64(&j, "crash_size", (uint64_t)k->st.crash_size);
		json_str(&j, "lockdown", k->st.lockdown[0] ? k->st.lockdown : NULL);
		json_end(&j);
		json_finish(&j);
	} else {
		printf("crash kernel loaded: %s\n",
		       k->st.loaded < 0 ? "unknown (no kexec_crash_loaded: kernel without kexec?)"
					: k->st.loaded ? "yes" : "no");
		if (k->st.crash_size < 0)
			printf("crash memory:        unknown\n");
		else if (k->st.crash_size == 0)
			printf("crash memory:        none reserved (boot with crashkernel=SIZE)\n");
		else
			printf("crash memory:        %" PRId64 " bytes (%.1f MiB)\n", k->st.crash_size,
			       mib((uint64_t)k->st.crash_size));
		if (k->st.lockdown[0])
			printf("lockdown:            %s\n", k->st.lockdown);
	}
	if (k->st.loaded < 0 && k->st.crash_size < 0) {
		warnmsg("%s/kernel has neither kexec_crash_loaded nor kexec_crash_size",
			k->roots.sysfs);
		return EXIT_DAMAGED;
	}
	return EXIT_OK;
}

/* ---- --test ---------------------------------------------------------- */

static void check(struct kdump_load *k, const char *name, int ok, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
static void check(struct kdump_load *k, const char *name, int ok, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* ok: 1 passed, 0 failed, -1 a warning that does not fail the test */
	if (ok == 0)
		k->failed = 1;
	if (k->json) {
		json_object(&k->j, NULL);
		json_str(&k->j, "check", name);
		json_str(&k->j, "result", ok > 0 ? "ok" : ok == 0 ? "fail" : "warn");
		json_str(&k->j, "detail", detail);
		json_end(&k->j);
	} else {
		printf("%-5s %-14s %s\n", ok > 0 ? "ok" : ok == 0 ? "FAIL" : "warn", name, detail);
	}
}

/* Read a whole file, at most FILE_MAX bytes. */
static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > FILE_MAX) {
		if (!S_ISREG(st.st_mode))
			errno = EINVAL;
		else if ((uint64_t)st.st_size > FILE_MAX)
			errno = EFBIG;
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	if (pread_full(fd, buf, (size_t)st.st_size, 0, &got) < 0) {
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	*len = got;
	return buf;
}

struct scan {
	const char *release;
	size_t prefix_len;
	char prefix[128];		/* "lib/modules/RELEASE/" */
	int has_init, has_list, mods;
	char other[65];			/* modules for another release */
	const uint8_t *list;		/* the load list's text */
	uint32_t list_len;
};

static int scan_member(const struct cpio_member *m, void *arg)
{
	struct scan *s = arg;
	const char *n = m->name;

	if (strcmp(n, "init") == 0 || strcmp(n, "./init") == 0)
		s->has_init = 1;
	if (strncmp(n, "lib/modules/", 12) != 0)
		return 0;
	if (strncmp(n, s->prefix, s->prefix_len) == 0) {
		const char *base = n + s->prefix_len;

		if (strcmp(base, MODLOAD_LIST) == 0) {
			s->has_list = 1;
			s->list = m->data;
			s->list_len = m->size;
		} else if (strlen(base) > 3 && strstr(base, ".ko")) {
			s->mods++;
		}
	} else if (!s->other[0] && n[12]) {
		snprintf(s->other, sizeof(s->other), "%.*s", (int)strcspn(n + 12, "/"), n + 12);
	}
	return 0;
}

/* The kernel image: its release and the memory it unpacks into. */
static void test_kernel(struct kdump_load *k, struct kimage_info *ki)
{
	size_t len;
	uint8_t *img = slurp(k->kernel, &len);

	memset(ki, 0, sizeof(*ki));
	if (!img) {
		check(k, "kernel", 0, "%s: %s", k->kernel, strerror(errno));
		return;
	}
	kimage_inspect(img, len, len, ki);
	free(img);
	if (k->kver)
		snprintf(ki->release, sizeof(ki->release), "%s", k->kver);
	check(k, "kernel", ki->release[0] ? 1 : -1, "%s: %s, release %s, %.1f MiB, unpacks into "
	      "%.1f MiB", k->kernel, ki->format,
	      ki->release[0] ? ki->release : "unknown (--kernel-version)", mib(ki->file_size),
	      mib(ki->load_size));
}

/* The initramfs: is it one, and does it carry modules for that kernel?
 * *packed and *unpacked: its sizes (0 when it cannot be read). */
static void test_initramfs(struct kdump_load *k, const struct kimage_info *ki,
			   uint64_t *packed, size_t *unpacked)
{
	struct err err;
	uint8_t *img, *cpio;
	size_t img_len;
	struct scan s;

	*packed = 0;
	*unpacked = 0;
	memset(&s, 0, sizeof(s));
	img = slurp(k->initrd, &img_len);
	if (!img) {
		check(k, "initramfs", 0, "%s: %s", k->initrd, strerror(errno));
		return;
	}
	*packed = img_len;
	cpio = cpio_load_image(img, img_len, FILE_MAX, unpacked, &err);
	free(img);
	if (!cpio) {
		check(k, "initramfs", 0, "%s: %s", k->initrd, err.msg);
		return;
	}
	s.release = ki->release;
	s.prefix_len = (size_t)snprintf(s.prefix, sizeof(s.prefix), "lib/modules/%s/", ki->release);
	if (cpio_walk(cpio, *unpacked, scan_member, &s, &err) < 0)
		check(k, "initramfs", 0, "%s: %s", k->initrd, err.msg);
	else if (!s.has_init)
		check(k, "initramfs", 0, "%s: no /init in it: not an initramfs", k->initrd);
	else
		check(k, "initramfs", 1, "%s: %.1f MiB, %.1f MiB unpacked", k->initrd, mib(*packed),
		      mib(*unpacked));
	if (ki->release[0]) {
		if (s.has_list)
			check(k, "modules", 1, "%d module%s for %s (%s)", s.mods, s.mods == 1 ? "" : "s",
			      ki->release, MODLOAD_LIST);
		else if (s.other[0])
			check(k, "modules", 0, "the initramfs has modules for %s, the kernel is %s: "
			      "rebuild it for this kernel (make initramfs KERNEL_MODULES=...)",
			      s.other, ki->release);
		else
			check(k, "modules", -1, "no lib/modules/%s/ in the initramfs: fine only if "
			      "the kernel has its disk drivers built in", ki->release);
	}
	k->cpio = cpio;
	k->cpio_len = *unpacked;
}

/* Memory: the kernel's unpacked size, the initramfs twice (packed until
 * the capture kernel unpacks it into the rootfs, which keeps it), and
 * what the kernel and the dump need at run time. */
static void test_memory(struct kdump_load *k, const struct kimage_info *ki, uint64_t packed,
			size_t unpacked)
{

	if (k->st.crash_size < 0) {
		check(k, "crash-memory", 0, "cannot read %s/kernel/kexec_crash_size: a kernel "
		      "without kexec?", k->roots.sysfs);
	} else if (k->st.crash_size == 0) {
		check(k, "crash-memory", 0, "none reserved: boot with crashkernel=SIZE (e.g. "
		      "crashkernel=256M)");
	} else {
		uint64_t need = ki->load_size + packed + unpacked + RUNTIME_MARGIN;
		uint64_t have = (uint64_t)k->st.crash_size;

		check(k, "crash-memory", have >= need, "%.1f MiB reserved, %.1f MiB needed (kernel "
		      "%.1f MiB + initramfs %.1f MiB + unpacked %.1f MiB + %.1f MiB at run time)%s",
		      mib(have), mib(need), mib(ki->load_size), mib(packed), mib(unpacked),
		      mib(RUNTIME_MARGIN),
		      have >= need ? "" : ": boot with a larger crashkernel=");
	}
}

/* The dump target, as the capture kernel will look for it. */
static void test_target(struct kdump_load *k)
{
	struct dumpdisk_found f;
	struct err err;
	const char *spec = k->bp.val[BP_TARGET], *path = k->bp.val[BP_PATH];
	int has = spec && spec[0];
	int rc;

	/* A server: asked now, with the initramfs's own client and key. */
	if (has && strncmp(spec, "ssh:", 4) == 0) {
		struct ssh_dest d;

		if (ssh_parse(spec + 4, &d, &err) == 0 && k->cpio &&
		    ssh_check_archive(k->cpio, k->cpio_len, &d, &err) == 0)
			check(k, "dump-target", 1, "%s: the server answers and takes the key; the "
			      "dumps in %s", spec, path && path[0] ? path : DUMPJOB_DEFAULT_PATH);
		else
			check(k, "dump-target", 0, "%s: %s", spec, k->cpio ? err.msg : "no initramfs");
		return;
	}
	if (has && strncmp(spec, "nfs:", 4) == 0) {
		struct nfs_spec n;

		if (nfs_check(spec + 4, &err) < 0)
			check(k, "dump-target", 0, "%s", err.msg);
		else if (nfs_probe(spec + 4, 5, &n, &err) < 0)
			check(k, "dump-target", 0, "%s: %s", spec, err.msg);
		else
			check(k, "dump-target", 1, "%s: the server answers on TCP port %u (not "
			      "mounted from here: the dump kernel mounts it as NFSv4); the dumps in "
			      "%s", spec, n.port, path && path[0] ? path : DUMPJOB_DEFAULT_PATH);
		return;
	}
	rc = dumpdisk_lookup(has ? spec : NULL, k->roots.sysfs, k->dev_root, &f, &err);
	if (rc == EXIT_NOT_OURS && has) {
		struct fs_found fs;

		/* A filesystem, as the dump kernel will look for one. */
		rc = fs_lookup(spec, k->roots.sysfs, k->dev_root, &fs, &err);
		if (rc == 0) {
			check(k, "dump-target", 1, "%s: %s%s%s, the dumps in %s", fs.dev, fs.info.type,
			      fs.info.label[0] ? " LABEL=" : "", fs.info.label,
			      path && path[0] ? path : DUMPJOB_DEFAULT_PATH);
			return;
		}
	}
	if (rc) {
		check(k, "dump-target", 0, "%s%s", has ? "dumpbox.target: " : "", err.msg);
		return;
	}
	k->zipl = f.layout == DUMPDISK_ZIPL;
	check(k, "dump-target", 1, "%s%s%s: %s, %s, %.1f MiB free for the dump",
	      f.dev, f.info.label[0] ? " LABEL=" : "", f.info.label,
	      dumpdisk_layout_name(f.layout), dumpdisk_state_name(f.info.state),
	      mib(f.info.capacity));
}

/* What the dump kernel will write: its menu's "Dump format" line. */
static void test_output(struct kdump_load *k)
{
	char out[96];

	describe_output(k, out, sizeof(out));
	check(k, "dump-output", 1, "%s%s", out, k->zipl && k->out.format == DUMP_FORMAT_KDUMP ?
	      "; ELF on this zipl dump disk (zgetdump reads nothing else)" : "");
}

static int do_test(struct kdump_load *k)
{
	struct kimage_info ki;
	uint64_t packed;
	size_t unpacked;

	default_paths(k, 0);
	build_cmdline(k);
	check_settings(k);
	kexec_read_status(&k->roots, &k->st);
	if (k->json) {
		json_init(&k->j, stdout);
		json_object(&k->j, NULL);
		json_array(&k->j, "checks");
	}
	test_kernel(k, &ki);
	test_initramfs(k, &ki, &packed, &unpacked);
	test_memory(k, &ki, packed, unpacked);
	if (k->st.lockdown[0] && strcmp(k->st.lockdown, "none") != 0)
		check(k, "lockdown", -1, "lockdown is '%s': the kernel image must be signed with "
		      "a trusted key", k->st.lockdown);
	if (k->net) {
		char mac[18];

		net_format_mac(k->nr.mac, mac);
		check(k, "network", k->nr.physical ? 1 : -1, "%s: the dump kernel's network as "
		      "here, on the device with MAC %s%s%s", k->net, mac,
		      k->nr.physical ? "" : " (not a NIC: a bridge, bond or VLAN is "
		      "not set up there, so a NIC must have this MAC)",
		      k->nr.ndns ? "" : "; no name server to carry over (a dump server by name "
		      "will not resolve)");
	}
	test_target(k);
	free(k->cpio);
	k->cpio = NULL;
	test_output(k);
	if (k->st.loaded >= 0)
		check(k, "loaded", k->st.loaded ? 1 : -1, "%s", k->st.loaded ? "a crash kernel is "
		      "loaded" : "no crash kernel is loaded yet (run kdump-load)");
	if (k->json) {
		json_end(&k->j);
		json_bool(&k->j, "ok", !k->failed);
		json_end(&k->j);
		json_finish(&k->j);
	}
	return k->failed ? EXIT_DAMAGED : EXIT_OK;
}

int kdump_load_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "unload", no_argument, NULL, OPT_UNLOAD },
		{ "status", no_argument, NULL, OPT_STATUS },
		{ "test", no_argument, NULL, OPT_TEST },
		{ "kernel-version", required_argument, NULL, OPT_KVER },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "sysfs-root", required_argument, NULL, OPT_SYSFS },
		{ "proc-root", required_argument, NULL, OPT_PROC },
		{ "dev-root", required_argument, NULL, OPT_DEV },
		{ "net", required_argument, NULL, OPT_NET },
		{ "resolv", required_argument, NULL, OPT_RESOLV },
		BOOTPARAM_LONGOPTS(OPT_BP),
		{ NULL, 0, NULL, 0 },
	};
	struct kdump_load k = {
		.roots = { .sysfs = "/sys", .proc = "/proc" },
		.dev_root = "/dev",
		.resolv = "/etc/resolv.conf",
	};
	int c;

	while ((c = getopt_long(argc, argv, "d:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL: k.kernel = optarg; break;
		case OPT_INITRD: k.initrd = optarg; break;
		case OPT_APPEND: k.append = optarg; break;
		case OPT_CMDLINE: k.cmdline_opt = optarg; break;
		case OPT_DRY_RUN: k.dry_run = 1; break;
		case OPT_UNLOAD: k.unload = 1; break;
		case OPT_STATUS: k.status = 1; break;
		case OPT_TEST: k.test = 1; break;
		case OPT_KVER: k.kver = optarg; break;
		case OPT_JSON: k.json = 1; break;
		case OPT_SYSFS: k.roots.sysfs = optarg; break;
		case OPT_PROC: k.roots.proc = optarg; break;
		case OPT_DEV: k.dev_root = optarg; break;
		case OPT_NET: k.net = optarg; break;
		case OPT_RESOLV: k.resolv = optarg; break;
		default:
			if (!bootparams_getopt(&k.bp, c, OPT_BP, optarg))
				usage_bad_option(argv);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (k.unload + k.status + k.test > 1)
		usage_error("--unload, --status and --test exclude each other");
	if (k.json && !k.status && !k.test)
		usage_error("--json goes with --status or --test");
	if (k.unload)
		return do_unload(&k);
	if (k.status)
		return do_status(&k);
	if (k.test) {
		if (!IS_ENABLED(CONFIG_KDUMP_LOAD_TEST))
			usage_error("--test is not in this build (CONFIG_KDUMP_LOAD_TEST)");
		return do_test(&k);
	}
	return do_load(&k);
}
