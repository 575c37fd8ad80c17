/*
 * kexec-crash KERNEL INITRD "CMDLINE"
 *
 * Test scaffolding for the QEMU crash-dump tests: load a capture (crash)
 * kernel with kexec_file_load(2) from inside a minimal initramfs, where
 * kexec-tools is not available. It will be replaced by the kdump-load
 * applet; until then the tests need something with no dependencies.
 *
 * Build: musl-gcc -static -O2 -o kexec-crash kexec-crash.c
 *
 * kexec_file_load is used rather than kexec_load because the kernel then
 * parses the bzImage and builds the ELF core headers for /proc/vmcore
 * itself, so no userspace knowledge of the boot protocol is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_kexec_file_load
#error "this libc/architecture has no kexec_file_load syscall number"
#endif

/* From <linux/kexec.h>; musl does not ship kernel UAPI headers. */
#ifndef KEXEC_FILE_ON_CRASH
#define KEXEC_FILE_ON_CRASH 0x00000002
#endif

#define LOADED_FLAG "/sys/kernel/kexec_crash_loaded"

static int open_or_die(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "kexec-crash: cannot open %s: %s\n", path,
			strerror(errno));
		_exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	const char *cmdline;
	unsigned long len;
	char flag[8] = "";
	int kfd, ifd, fd;
	ssize_t n;

	if (argc != 4) {
		fprintf(stderr, "usage: kexec-crash KERNEL INITRD CMDLINE\n");
		return 2;
	}
	kfd = open_or_die(argv[1]);
	ifd = open_or_die(argv[2]);
	cmdline = argv[3];
	/* The length passed to the kernel must count the terminating NUL. */
	len = strlen(cmdline) + 1;

	if (syscall(SYS_kexec_file_load, kfd, ifd, len, cmdline,
		    (unsigned long)KEXEC_FILE_ON_CRASH) != 0) {
		int e = errno;

		fprintf(stderr, "kexec-crash: kexec_file_load(%s, %s): %s\n",
			argv[1], argv[2], strerror(e));
		/* The usual causes, which strerror alone does not reveal. */
		/* EADDRNOTAVAIL: no hole in the reservation, seen with
		 * crashkernel=64M and a Debian 6.1 kernel. */
		if (e == EADDRNOTAVAIL || e == ENOMEM || e == EINVAL)
			fprintf(stderr, "kexec-crash: is memory reserved "
				"(crashkernel=SIZE on the kernel command line) "
				"and big enough for kernel + initrd?\n");
		else if (e == EKEYREJECTED || e == EPERM)
			fprintf(stderr, "kexec-crash: kernel signature "
				"rejected or kexec disabled "
				"(kernel.kexec_load_disabled, lockdown)\n");
		else if (e == ENOSYS)
			fprintf(stderr, "kexec-crash: kernel built without "
				"CONFIG_KEXEC_FILE\n");
		return 1;
	}
	close(kfd);
	close(ifd);

	/* Success of the syscall is not the point; an armed crash kernel is. */
	fd = open(LOADED_FLAG, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "kexec-crash: cannot open %s: %s\n",
			LOADED_FLAG, strerror(errno));
		return 1;
	}
	n = read(fd, flag, sizeof(flag) - 1);
	if (n < 0) {
		fprintf(stderr, "kexec-crash: cannot read %s: %s\n",
			LOADED_FLAG, strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	flag[n > 0 ? n : 0] = '\0';
	if (flag[0] != '1') {
		fprintf(stderr, "kexec-crash: %s is '%.*s', not 1: "
			"crash kernel not loaded\n", LOADED_FLAG,
			(int)strcspn(flag, "\n"), flag);
		return 1;
	}
	printf("kexec-crash: crash kernel loaded (%s)\n", argv[1]);
	return 0;
}
