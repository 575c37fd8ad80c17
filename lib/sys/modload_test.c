/* init's module list and module parameters from the kernel command line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sys/modload.h"

static void list_entries(void **state)
{
	const char *text = "# load order\n\nvirtio.ko\n  virtio_pci.ko  \r\n"
			   "../../etc/passwd.ko\nsd_mod.ko\n/abs.ko\nnot a module\n"
			   "x.txt\n.ko\ncrc-t10dif.ko";
	struct modload_iter it;
	struct err err;
	char name[64];
	const char *want[] = { "virtio.ko", "virtio_pci.ko", NULL, "sd_mod.ko", NULL, NULL,
			       NULL, NULL, "crc-t10dif.ko" };
	unsigned lines[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	int rc, i = 0;

	(void)state;
	modload_iter_init(&it, text, strlen(text));
	while ((rc = modload_next(&it, name, sizeof(name), &err)) != 0) {
		assert_true(i < 9);
		assert_int_equal(it.line, lines[i]);
		if (want[i]) {
			assert_int_equal(rc, 1);
			assert_string_equal(name, want[i]);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err.msg, "line "));
		}
		i++;
	}
	assert_int_equal(i, 9);
}

static void long_names(void **state)
{
	struct err err;
	char text[400], name[16];
	struct modload_iter it;

	(void)state;
	memset(text, 'a', sizeof(text));
	memcpy(text + sizeof(text) - 4, ".ko\n", 4);
	modload_iter_init(&it, text, sizeof(text));
	assert_int_equal(modload_next(&it, name, sizeof(name), &err), -1);
	assert_int_equal(modload_next(&it, name, sizeof(name), &err), 0);
}

static void names(void **state)
{
	char m[32];

	(void)state;
	modload_modname("crc-t10dif.ko", m, sizeof(m));
	assert_string_equal(m, "crc_t10dif");
	modload_modname("/lib/modules/x/virtio_scsi.ko", m, sizeof(m));
	assert_string_equal(m, "virtio_scsi");
	modload_modname("abcdefgh.ko", m, 4);
	assert_string_equal(m, "abc");
}

static void params(void **state)
{
	const char *line = "console=ttyS0 scsi_mod.scan=sync virtio-scsi.x=1 a=b.c "
			   "scsi-mod.max_luns=\"8 9\" sd_mod.y scsi_mod. .z=1 scsi_modx.q=2";
	char buf[64];

	(void)state;
	assert_int_equal(modload_params(line, "scsi_mod", buf, sizeof(buf)),
			 strlen("scan=sync max_luns=\"8 9\""));
	assert_string_equal(buf, "scan=sync max_luns=\"8 9\"");
	modload_params(line, "virtio_scsi", buf, sizeof(buf));
	assert_string_equal(buf, "x=1");
	modload_params(line, "sd_mod", buf, sizeof(buf));
	assert_string_equal(buf, "y");
	assert_int_equal(modload_params(line, "a", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* What does not fit is left out whole. */
	assert_int_equal(modload_params(line, "scsi_mod", buf, 12), 9);
	assert_string_equal(buf, "scan=sync");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_entries),
		cmocka_unit_test(long_names),
		cmocka_unit_test(names),
		cmocka_unit_test(params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
