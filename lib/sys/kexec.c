#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/kexec.h"

void kexec_read_status(const struct kexec_roots *r, struct kexec_status *st)
{
	char buf[256];
	uint64_t v;

	memset(st, 0, sizeof(*st));
	st->loaded = -1;
	st->crash_size = -1;
	st->load_disabled = -1;
	if (read_attr(r->sysfs, "/kernel/kexec_crash_loaded", buf, sizeof(buf)) == 0 &&
	    parse_u64(buf, &v) == 0)
		st->loaded = v != 0;
	if (read_attr(r->sysfs, "/kernel/kexec_crash_size", buf, sizeof(buf)) == 0 &&
	    parse_u64(buf, &v) == 0 && v <= INT64_MAX)
		st->crash_size = (int64_t)v;
	/* "none [integrity] confidentiality": the bracketed word is in force. */
	if (read_attr(r->sysfs, "/kernel/security/lockdown", buf, sizeof(buf)) == 0) {
		char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : NULL;

		if (a && b && (size_t)(b - a - 1) < sizeof(st->lockdown))
			snprintf(st->lockdown, sizeof(st->lockdown), "%.*s", (int)(b - a - 1), a + 1);
	}
	if (read_attr(r->proc, "/sys/kernel/kexec_load_disabled", buf, sizeof(buf)) == 0 &&
	    parse_u64(buf, &v) == 0)
		st->load_disabled = v != 0;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The kernel's version banner, UTS_RELEASE " (" USER "@" HOST ") #" ...:
 * take the release from the first place that looks like it. */
static int find_release(const uint8_t *buf, size_t len, char *out, size_t outlen)
{
	static const char tail[] = " (";

	for (size_t i = 0; i + 8 < len; i++) {
		size_t j = i, dots = 0;

		if (buf[i] < '1' || buf[i] > '9' || (i > 0 && buf[i - 1] > ' ' && buf[i - 1] < 0x7f))
			continue;
		while (j < len && j - i < 64 && buf[j] > ' ' && buf[j] < 0x7f && buf[j] != '(') {
			dots += buf[j] == '.';
			j++;
		}
		if (dots < 2 || j + 2 >= len || memcmp(buf + j, tail, 2) != 0)
			continue;
		/* "(user@host) #": the banner, not some other version. */
		{
			const uint8_t *close = memchr(buf + j, ')', len - j < 128 ? len - j : 128);
			const uint8_t *at = memchr(buf + j, '@', len - j < 128 ? len - j : 128);

			if (!close || !at || at > close || (size_t)(close - buf) + 3 > len ||
			    close[1] != ' ' || close[2] != '#')
				continue;
		}
		if (j - i >= outlen)
			continue;
		memcpy(out, buf + i, j - i);
		out[j - i] = '\0';
		return 0;
	}
	return -1;
}

void kimage_inspect(const uint8_t *buf, size_t len, uint64_t file_size, struct kimage_info *ki)
{
	memset(ki, 0, sizeof(*ki));
	ki->format = "unknown";
	ki->file_size = file_size;
	/* An unknown format unpacks to several times its size; 4x covers
	 * gzip- and xz-compressed kernels (their ratio is 3 to 4.5). */
	ki->load_size = 4 * file_size;
	/* x86 boot protocol: boot flag 0xAA55 at 0x1fe, "HdrS" at 0x202. */
	if (len >= 0x264 && le16(buf + 0x1fe) == 0xaa55 && memcmp(buf + 0x202, "HdrS", 4) == 0) {
		uint16_t proto = le16(buf + 0x206), voff = le16(buf + 0x20e);

		ki->format = "bzImage";
		if (voff && 0x200 + (size_t)voff < len) {
			const uint8_t *v = buf + 0x200 + voff;
			size_t n = 0, max = len - 0x200 - voff;

			while (n < max && n < sizeof(ki->release) - 1 && v[n] > ' ' && v[n] < 0x7f)
				n++;
			memcpy(ki->release, v, n);
			ki->release[n] = '\0';
		}
		/* init_size (protocol 2.10+): the memory the kernel needs from
		 * its load address until it runs, decompression included. */
		if (proto >= 0x20a && le32(buf + 0x260) > file_size)
			ki->load_size = le32(buf + 0x260);
		else
			ki->load_size = 4 * file_size;
	} else if (len >= 0x10010 && memcmp(buf + 0x10008, "S390EP", 6) == 0) {
		ki->format = "s390";
	}
	if (!ki->release[0])
		find_release(buf, len, ki->release, sizeof(ki->release));
}

void kexec_explain(int err, const struct kexec_status *st, char *buf, size_t len)
{
	const char *lock = st->lockdown;

	switch (err) {
	case EPERM:
		if (lock[0] && strcmp(lock, "none") != 0)
			snprintf(buf, len, "kernel lockdown (%s) refuses this kernel image: under "
				 "lockdown, kexec takes only images signed with a key the running "
				 "kernel trusts (CONFIG_KEXEC_SIG)", lock);
		else if (st->load_disabled == 1)
			snprintf(buf, len, "kexec is disabled (kernel.kexec_load_disabled = 1, "
				 "which only a reboot undoes)");
		else if (geteuid() != 0)
			snprintf(buf, len, "not permitted: loading a kernel needs root "
				 "(CAP_SYS_BOOT)");
		else
			snprintf(buf, len, "not permitted: CAP_SYS_BOOT is missing (a container?) "
				 "or a security module refused it");
		break;
	case EKEYREJECTED:
		snprintf(buf, len, "the kernel image's signature does not verify "
			 "(signature checking, CONFIG_KEXEC_SIG): use an image signed with a "
			 "trusted key");
		break;
	case ENOKEY:
		snprintf(buf, len, "the kernel image is signed with a key the running kernel "
			 "does not trust (not in its .builtin_trusted_keys/.platform keyrings)");
		break;
	case EBADMSG:
	case ENODATA:
		snprintf(buf, len, "the kernel image carries no valid signature, and this "
			 "kernel requires one (CONFIG_KEXEC_SIG_FORCE or lockdown)");
		break;
	case ENOPKG:
		snprintf(buf, len, "the kernel image's signature uses a hash or key type "
			 "this kernel cannot check");
		break;
	case EADDRNOTAVAIL:
	case ENOMEM:
		if (st->crash_size == 0)
			snprintf(buf, len, "no memory is reserved for a crash kernel: boot with "
				 "crashkernel=SIZE (e.g. crashkernel=256M) on the kernel command line");
		else if (st->crash_size > 0)
			snprintf(buf, len, "the reserved crash memory (%lld MiB) has no room for "
				 "this kernel and initramfs: boot with a larger crashkernel=",
				 (long long)(st->crash_size >> 20));
		else
			snprintf(buf, len, "no room in the crash memory: is crashkernel=SIZE on "
				 "the kernel command line, and big enough?");
		break;
	case ENOEXEC:
		snprintf(buf, len, "not a kernel image this kernel can load "
			 "(x86_64: a bzImage; s390x: the image file)");
		break;
	case ENOSYS:
		snprintf(buf, len, "this kernel has no kexec_file_load (CONFIG_KEXEC_FILE is "
			 "off)");
		break;
	case EBUSY:
		snprintf(buf, len, "the kernel is busy with another kexec load: try again");
		break;
	case EINVAL:
		snprintf(buf, len, "the kernel refused the arguments (a command line longer "
			 "than the kernel takes?)");
		break;
	default:
		snprintf(buf, len, "%s", strerror(err));
	}
}

int kexec_file_load_sys(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
	unsigned long len = cmdline ? strlen(cmdline) + 1 : 0;	/* with the NUL */

	return (int)syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, len, cmdline, flags);
}
