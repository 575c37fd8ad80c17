/* Loading a capture kernel for kdump: kexec_file_load(2) and what the
 * kernel says about it in sysfs, the size a kernel image needs, and why
 * a load was refused, in words. Roots are parameters so the tests can
 * point them at a fake sysfs/proc/securityfs tree. */
#ifndef DUMPBOX_KEXEC_H
#define DUMPBOX_KEXEC_H

#include <stddef.h>
#include <stdint.h>

/* From <linux/kexec.h> (musl ships no kernel UAPI headers). */
#define KEXEC_FILE_UNLOAD	0x1
#define KEXEC_FILE_ON_CRASH	0x2
#define KEXEC_FILE_NO_INITRAMFS	0x4

struct kexec_roots {
	const char *sysfs;	/* /sys */
	const char *proc;	/* /proc */
};

struct kexec_status {
	int loaded;		/* kexec_crash_loaded: 1, 0, or -1 unreadable */
	int64_t crash_size;	/* kexec_crash_size in bytes, -1 unreadable */
	char lockdown[32];	/* the bracketed word of security/lockdown, or "" */
	int load_disabled;	/* /proc/sys/kernel/kexec_load_disabled, -1 unknown */
};

void kexec_read_status(const struct kexec_roots *r, struct kexec_status *st);

/* What a kernel image tells about itself. */
struct kimage_info {
	char release[65];	/* "6.1.0-56-amd64", or "" when not found */
	const char *format;	/* "bzImage", "s390", or "unknown" */
	uint64_t file_size;
	uint64_t load_size;	/* memory it takes to load and unpack: x86's
				 * init_size; else a guess (4 x file size) */
};

/* Inspect the first len bytes of an image (the whole file, file_size
 * bytes, is best: the version string may be anywhere). */
void kimage_inspect(const uint8_t *buf, size_t len, uint64_t file_size, struct kimage_info *ki);

/* A sentence for why kexec_file_load failed with err, using what the
 * status shows (lockdown, crash memory, kexec_load_disabled). */
void kexec_explain(int err, const struct kexec_status *st, char *buf, size_t len);

/* The raw system call: 0, or -1 with errno. */
int kexec_file_load_sys(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags);

#endif
