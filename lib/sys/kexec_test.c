/* What kdump-load learns from a kernel image and from sysfs, and what it
 * says when the kernel refuses. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "sys/kexec.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void bzimage(void **state)
{
	static uint8_t img[0x4000];
	struct kimage_info ki;
	const char *ver = "6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP";

	(void)state;
	put16(img + 0x1fe, 0xaa55);
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, 0x20f);
	put16(img + 0x20e, 0x1000 - 0x200);
	memcpy(img + 0x1000, ver, strlen(ver) + 1);
	put32(img + 0x260, 0x03f98000);
	kimage_inspect(img, sizeof(img), sizeof(img), &ki);
	assert_string_equal(ki.format, "bzImage");
	assert_string_equal(ki.release, "6.1.0-56-amd64");
	assert_int_equal(ki.load_size, 0x03f98000);

	/* The version pointer past the end: no release from the header, and
	 * the banner search finds none in zeros. */
	put16(img + 0x20e, 0xff00);
	memset(img + 0x1000, 0, 100);
	kimage_inspect(img, sizeof(img), sizeof(img), &ki);
	assert_string_equal(ki.release, "");
	/* An old protocol without init_size: four times the file. */
	put16(img + 0x206, 0x209);
	kimage_inspect(img, sizeof(img), sizeof(img), &ki);
	assert_int_equal(ki.load_size, 4 * sizeof(img));
}

static void banner_search(void **state)
{
	static uint8_t img[0x20000];
	const char *decoy = "gcc 12.2.0 (Debian 12.2.0-14) and 2.40.0 (x) #2";
	const char *ver = "6.1.0-50-s390x (debian-kernel@lists.debian.org) #1 SMP Debian";
	struct kimage_info ki;

	(void)state;
	memcpy(img + 0x10008, "S390EP", 6);
	memcpy(img + 0x11000, decoy, strlen(decoy));
	memcpy(img + 0x12001, ver, strlen(ver));
	kimage_inspect(img, sizeof(img), sizeof(img), &ki);
	assert_string_equal(ki.format, "s390");
	assert_string_equal(ki.release, "6.1.0-50-s390x");
	/* A banner cut off by the end of the buffer is not read past it. */
	kimage_inspect(img, 0x12001 + 20, 0x12001 + 20, &ki);
	assert_string_equal(ki.release, "");
}

static void explain(void **state)
{
	struct kexec_status st = { .loaded = 0, .crash_size = 0, .load_disabled = 0 };
	char buf[512];

	(void)state;
	kexec_explain(EADDRNOTAVAIL, &st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "crashkernel="));
	st.crash_size = 64 << 20;
	kexec_explain(ENOMEM, &st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "(64 MiB)"));
	strcpy(st.lockdown, "integrity");
	kexec_explain(EPERM, &st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "lockdown (integrity)"));
	strcpy(st.lockdown, "none");
	st.load_disabled = 1;
	kexec_explain(EPERM, &st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "kexec_load_disabled"));
	kexec_explain(EKEYREJECTED, &st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "signature"));
	kexec_explain(ENOKEY, &st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "key"));
	kexec_explain(EBADMSG, &st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "signature"));
	kexec_explain(ENOSYS, &st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "CONFIG_KEXEC_FILE"));
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void status(void **state)
{
	char dir[] = "/tmp/kexec_test.XXXXXX", cmd[600];
	struct kexec_roots r;
	struct kexec_status st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/sys/kernel/security %s/proc/sys/kernel", dir, dir);
	assert_int_equal(system(cmd), 0);
	char sys[300], proc[300];

	snprintf(sys, sizeof(sys), "%s/sys", dir);
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	r.sysfs = sys;
	r.proc = proc;
	kexec_read_status(&r, &st);
	assert_int_equal(st.loaded, -1);
	assert_int_equal(st.crash_size, -1);
	assert_string_equal(st.lockdown, "");
	write_file(sys, "/kernel/kexec_crash_loaded", "1\n");
	write_file(sys, "/kernel/kexec_crash_size", "134217728\n");
	write_file(sys, "/kernel/security/lockdown", "none [integrity] confidentiality\n");
	write_file(proc, "/sys/kernel/kexec_load_disabled", "0\n");
	kexec_read_status(&r, &st);
	assert_int_equal(st.loaded, 1);
	assert_int_equal(st.crash_size, 134217728);
	assert_string_equal(st.lockdown, "integrity");
	assert_int_equal(st.load_disabled, 0);
	write_file(sys, "/kernel/kexec_crash_size", "junk\n");
	kexec_read_status(&r, &st);
	assert_int_equal(st.crash_size, -1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bzimage),
		cmocka_unit_test(banner_search),
		cmocka_unit_test(explain),
		cmocka_unit_test(status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
