/* Dump disks: the superblock codec, the s390 checksum, the writer
 * protocol's crc bookkeeping, and reading a dump straight off the disk
 * with the vmcore reader. Image files in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "core/vmcore.h"
#include "disk/dumpdisk.h"
#include "disk/dumpfind.h"
#include "disk/ptable.h"
#include "disk/zipl.h"

#define IMG_SIZE (8u << 20)

static char img[64];

static int make_image(void **state)
{
	int fd;

	(void)state;
	strcpy(img, "/tmp/dumpdisk_test.XXXXXX");
	fd = mkstemp(img);
	if (fd < 0 || ftruncate(fd, IMG_SIZE) < 0)
		return -1;
	close(fd);
	return 0;
}

static int remove_image(void **state)
{
	(void)state;
	unlink(img);
	return 0;
}

static void format_img(const char *label)
{
	uint8_t uuid[16];
	struct err err;
	int fd = open(img, O_RDWR);

	assert_true(fd >= 0);
	uuid_generate(uuid);
	assert_int_equal(dumpdisk_format(fd, 0, IMG_SIZE, label, 8192, uuid, &err), 0);
	close(fd);
}

static void cksm_is_s390_cksm(void **state)
{
	uint8_t page[4096] = { 0 };
	const uint8_t carry[8] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x02 };

	(void)state;
	/* zipl's seed is what a zeroed page sums to. */
	assert_int_equal(zipl_cksm(page, sizeof(page), ZIPL_CSUM_SEED), ZIPL_CSUM_SEED);
	/* End-around carry: 0xffffffff + 2 = 0x1_00000001 -> 0x00000002. */
	assert_int_equal(zipl_cksm(carry, sizeof(carry), 0), 2);
	/* A short tail is padded with zeros on the right (big-endian). */
	assert_int_equal(zipl_cksm("abc", 3, 0), 0x61626300);
}

static void superblock_round_trip(void **state)
{
	struct dumpdisk_sb a, b;
	uint8_t buf[DUMPDISK_SB_SIZE];
	struct err err;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.version = 1;
	uuid_generate(a.uuid);
	strcpy(a.label, "label");
	a.part_size = IMG_SIZE;
	a.log_offset = 4096;
	a.log_size = 8192;
	a.dump_offset = 16384;
	a.dump_size = IMG_SIZE - 16384 - 4096;
	a.block_size = 4096;
	a.state = DUMPDISK_COMPLETE;
	a.generation = 7;
	a.dump_bytes = 12345;
	a.data_crc = 0xdeadbeef;
	strcpy(a.kernel_release, "6.1.0-test");
	dumpdisk_sb_encode(buf, &a);
	assert_int_equal(get_le32(buf + 148), DUMPDISK_COMPLETE);	/* FORMAT.md offsets */
	assert_int_equal(get_le64(buf + 176), 12345);
	assert_int_equal(dumpdisk_sb_decode(&b, buf, IMG_SIZE, &err), 0);
	assert_memory_equal(a.uuid, b.uuid, 16);
	assert_string_equal(b.label, "label");
	assert_string_equal(b.kernel_release, "6.1.0-test");
	assert_int_equal(b.generation, 7);
	assert_int_equal(b.data_crc, 0xdeadbeef);
	/* Any flipped bit of the checksummed part is caught. */
	for (size_t i = 0; i < DUMPDISK_SB_SIZE; i++) {
		buf[i] ^= 0x10;
		assert_int_not_equal(dumpdisk_sb_decode(&b, buf, IMG_SIZE, &err), 0);
		buf[i] ^= 0x10;
	}
	/* A smaller device than the superblock says: truncated. */
	assert_int_equal(dumpdisk_sb_decode(&b, buf, IMG_SIZE / 2, &err), EXIT_DAMAGED);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void write_any_order_crc(void **state)
{
	struct dumpdisk d;
	struct dumpdisk_meta m = { .format = DUMPDISK_FMT_ELF, .kernel_release = "r" };
	size_t len = 300000;
	uint8_t *data = malloc(len);

	(void)state;
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 7 + (i >> 9));
	format_img("crc");
	assert_int_equal(dumpdisk_open(&d, img, DUMPDISK_RDWR), 0);
	assert_int_equal(d.info.state, DUMPDISK_EMPTY);
	assert_int_equal(dumpdisk_begin(&d, &m, "log text", 8), 0);
	/* The middle, then the tail, then the first page last: zfcpdump's
	 * order. The extents must merge into one crc without rereading. */
	assert_int_equal(dumpdisk_write(&d, data + 100000, 100000, 100000), 0);
	assert_int_equal(dumpdisk_write(&d, data + 200000, len - 200000, 200000), 0);
	assert_int_equal(dumpdisk_write(&d, data + 4096, 100000 - 4096, 4096), 0);
	assert_int_equal(dumpdisk_write(&d, data, 4096, 0), 0);
	assert_int_equal(d.next, 1);
	assert_int_equal(dumpdisk_finish(&d, DUMPDISK_COMPLETE, len, NULL), 0);
	assert_int_equal(d.info.data_crc, (uint32_t)crc32(0, data, (uInt)len));
	dumpdisk_close(&d);

	/* Overlapping writes: the crc comes from reading the disk back. */
	assert_int_equal(dumpdisk_open(&d, img, DUMPDISK_RDWR), 0);
	assert_int_equal(d.info.state, DUMPDISK_COMPLETE);
	assert_int_equal(dumpdisk_begin(&d, &m, NULL, 0), 0);
	assert_int_equal(dumpdisk_write(&d, data, len, 0), 0);
	assert_int_equal(dumpdisk_write(&d, data + 5000, 1000, 5000), 0);
	assert_int_equal(d.crc_lost, 1);
	assert_int_equal(dumpdisk_finish(&d, DUMPDISK_COMPLETE, len, NULL), 0);
	assert_int_equal(d.info.data_crc, (uint32_t)crc32(0, data, (uInt)len));
	/* Past the end of the area: refused, nothing written. */
	assert_int_equal(dumpdisk_begin(&d, &m, NULL, 0), 0);
	assert_int_equal(dumpdisk_write(&d, data, 16, d.info.capacity - 8), -1);
	dumpdisk_close(&d);
	free(data);
}

/* A minimal little-endian ELF core: one PT_LOAD of n bytes at 4096. */
static size_t tiny_core(uint8_t *b, size_t n)
{
	memset(b, 0, 4096 + n);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = 2;		/* ELFCLASS64 */
	b[5] = 1;		/* little-endian */
	b[6] = 1;
	put_le16(b + 16, 4);	/* ET_CORE */
	put_le16(b + 18, 62);	/* x86_64 */
	put_le32(b + 20, 1);
	put_le64(b + 32, 64);	/* e_phoff */
	put_le16(b + 52, 64);
	put_le16(b + 54, 56);
	put_le16(b + 56, 1);
	put_le32(b + 64, 1);	/* PT_LOAD */
	put_le64(b + 64 + 8, 4096);
	put_le64(b + 64 + 24, 0x100000);
	put_le64(b + 64 + 32, n);
	put_le64(b + 64 + 40, n);
	for (size_t i = 0; i < n; i++)
		b[4096 + i] = (uint8_t)i;
	return 4096 + n;
}

static void vmcore_reads_from_the_disk(void **state)
{
	struct dumpdisk d;
	struct window w;
	struct vmcore vc;
	uint8_t core[4096 + 8192], got[16];
	size_t len = tiny_core(core, 8192);

	(void)state;
	format_img(NULL);
	assert_int_equal(dumpdisk_open(&d, img, DUMPDISK_RDWR), 0);
	assert_int_equal(dumpdisk_begin(&d, NULL, NULL, 0), 0);
	assert_int_equal(dumpdisk_write(&d, core, len, 0), 0);
	assert_int_equal(dumpdisk_finish(&d, DUMPDISK_COMPLETE, len, NULL), 0);
	dumpdisk_window(&d, &w);
	assert_int_equal(w.size, len);
	assert_int_equal(vmcore_open(&vc, &w), 0);
	assert_int_equal(vc.nloads, 1);
	assert_int_equal(vmcore_read_phys(&vc, 0x100010, got, sizeof(got)), 0);
	assert_int_equal(got[0], 0x10);
	vmcore_close(&vc);
	dumpdisk_close(&d);
}

static void log_bound_to_its_dump(void **state)
{
	struct dumpdisk d;
	size_t n;
	char *log;

	(void)state;
	format_img(NULL);
	assert_int_equal(dumpdisk_open(&d, img, DUMPDISK_RDWR), 0);
	assert_null(dumpdisk_read_log(&d, &n));
	assert_int_equal(dumpdisk_begin(&d, NULL, "panic: test\n", 12), 0);
	log = dumpdisk_read_log(&d, &n);
	assert_non_null(log);
	assert_string_equal(log, "panic: test\n");
	free(log);
	/* A new dump's id: the old log no longer belongs to it. */
	d.sb.dump_id ^= 2;
	assert_null(dumpdisk_read_log(&d, &n));
	dumpdisk_close(&d);
}

static void zipl_layout_round_trip(void **state)
{
	static uint8_t kernel[70000], initrd[20000];
	struct zipl_tool tool = { kernel, initrd, NULL, sizeof(kernel), sizeof(initrd), 0, NULL };
	struct zipl_disk z, p;
	uint64_t start, size;
	struct err err;
	int fd = open(img, O_RDWR);
	struct dumpdisk d;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(zero_range(fd, 0, IMG_SIZE), 0);
	assert_int_equal(ptable_write_dos(fd, IMG_SIZE, 512, 0x83, &start, &size), 0);
	assert_int_equal(start, 1 << 20);
	assert_int_equal(zipl_write_layout(fd, 512, start, size, 1, &tool, 4096, &z, &err), 0);
	assert_int_equal(zipl_probe(fd, IMG_SIZE, 512, &p, &err), 0);
	assert_int_equal(p.sb.magic, ZIPL_SB_MAGIC);
	assert_int_equal(p.sb.part_start, start);
	assert_int_equal(p.sb.csum, ZIPL_CSUM_SEED);
	assert_true(p.csum_ok);
	assert_true(p.ext_bound);
	assert_int_equal(p.page0_kind, ZIPL_PAGE0_ZERO);
	assert_true(p.sb.dump_size < size - sizeof(kernel) - sizeof(initrd));
	close(fd);
	assert_int_equal(dumpdisk_open(&d, img, DUMPDISK_RDONLY), 0);
	assert_int_equal(d.layout, DUMPDISK_ZIPL);
	assert_int_equal(d.info.state, DUMPDISK_EMPTY);
	dumpdisk_close(&d);
}

/* The writing commands open the path itself: a symbolic link put there
 * after they looked is not followed. */
static void nofollow_refuses_a_link_at_open(void **state)
{
	char link[80];
	struct dumpdisk d;

	(void)state;
	format_img("lnk");
	snprintf(link, sizeof(link), "%s.link", img);
	assert_int_equal(symlink(img, link), 0);
	assert_int_equal(dumpdisk_open(&d, link, DUMPDISK_RDWR | DUMPDISK_NOFOLLOW), EXIT_USAGE);
	assert_non_null(strstr(d.err.msg, "symbolic link"));
	dumpdisk_close(&d);
	assert_int_equal(dumpdisk_open(&d, link, DUMPDISK_RDONLY | DUMPDISK_NOFOLLOW), EXIT_USAGE);
	dumpdisk_close(&d);
	/* Without it (info, check, --allow-symlink) the link is followed. */
	assert_int_equal(dumpdisk_open(&d, link, DUMPDISK_RDWR), 0);
	dumpdisk_close(&d);
	unlink(link);
}

static void gpt_round_trip(void **state)
{
	struct ptable pt;
	uint8_t u[16], g[16], back[16];
	uint64_t start, size;
	char s[37];
	struct err e;
	int fd = open(img, O_RDWR);

	(void)state;
	uuid_generate(u);
	uuid_format(u, s);
	assert_int_equal(uuid_parse(s, back), 0);
	assert_memory_equal(u, back, 16);
	assert_int_equal(uuid_parse("not-a-uuid", back), -1);
	uuid_to_guid(u, g);
	guid_format(g, s);
	assert_int_equal(uuid_parse(s, back), 0);
	assert_memory_equal(u, back, 16);	/* GPT's PARTUUID text = our UUID text */
	assert_int_equal(ptable_write_gpt(fd, IMG_SIZE, 512, ptable_dumpbox_type, u, "x", &start,
					  &size), 0);
	assert_int_equal(ptable_read(fd, IMG_SIZE, 512, &pt, &e), 0);
	assert_int_equal(pt.kind, PTABLE_GPT);
	assert_int_equal(pt.nparts, 1);
	assert_int_equal(pt.parts[0].start, start);
	assert_int_equal(pt.parts[0].size, size);
	assert_memory_equal(pt.parts[0].guid, g, 16);
	assert_false(pt.gpt_backup_bad);
	/* Lose the primary header: the backup still gives the table. */
	assert_int_equal(pwrite_all(fd, "XXXXXXXX", 8, 512), 0);
	assert_int_equal(ptable_read(fd, IMG_SIZE, 512, &pt, &e), 0);
	assert_int_equal(pt.nparts, 1);
	close(fd);
}

/* A fake machine: sysfs with disks sdb, sdc (two paths to one LUN, held
 * by dm-0) and sdd, device nodes as image files. */
static void lookup_by_uuid_label_path_only(void **state)
{
	struct err err;
	char root[] = "/tmp/dumpdisk_lookup.XXXXXX", cmd[512], uuid[37];
	struct dumpdisk_found f, *v;
	struct dumpdisk d;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(root));
	format_img("one");
	assert_int_equal(dumpdisk_open(&d, img, DUMPDISK_RDONLY), 0);
	snprintf(uuid, sizeof(uuid), "%s", d.info.uuid);
	dumpdisk_close(&d);
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir -p sys/block/sdb/holders/dm-0 "
		 "sys/block/sdc/holders/dm-0 sys/block/dm-0 dev && cp %s dev/sdb && "
		 "ln -s sdb dev/sdc && ln -s sdb dev/dm-0", root, img);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/sys", root);
	char dev[300];

	snprintf(dev, sizeof(dev), "%s/dev", root);
	n = dumpdisk_scan(cmd, dev, &v);
	assert_int_equal(n, 1);			/* three devices, one dump disk */
	assert_int_equal(v[0].paths, 2);
	assert_non_null(strstr(v[0].dev, "dm-0"));
	free(v);
	assert_int_equal(dumpdisk_lookup(NULL, cmd, dev, &f, &err), 0);
	assert_string_equal(f.info.uuid, uuid);
	char spec[256];

	snprintf(spec, sizeof(spec), "UUID=%s", uuid);
	assert_int_equal(dumpdisk_lookup(spec, cmd, dev, &f, &err), 0);
	assert_int_equal(dumpdisk_lookup("LABEL=one", cmd, dev, &f, &err), 0);
	assert_int_equal(dumpdisk_lookup("LABEL=two", cmd, dev, &f, &err), EXIT_NOT_OURS);
	assert_int_equal(dumpdisk_lookup(img, cmd, dev, &f, &err), 0);
	/* A second, different dump disk: "the only one" is now ambiguous. */
	format_img("two");
	snprintf(spec, sizeof(spec), "cd %s && mkdir sys/block/sdd && cp %s dev/sdd", root, img);
	assert_int_equal(system(spec), 0);
	assert_int_equal(dumpdisk_lookup(NULL, cmd, dev, &f, &err), EXIT_USAGE);
	assert_non_null(strstr(err.msg, "2 dump disks found"));
	assert_int_equal(dumpdisk_lookup("LABEL=two", cmd, dev, &f, &err), 0);
	assert_non_null(strstr(f.dev, "sdd"));
	snprintf(spec, sizeof(spec), "rm -rf %s", root);
	assert_int_equal(system(spec), 0);
}

/* Both on-disk records are tables (base/fields.h): every field inside
 * its record, none overlapping another or the magic, version, size and
 * checksum the encoders write themselves. */
static void record_tables_are_sound(void **state)
{
	(void)state;
	assert_int_equal(fields_check(dumpdisk_sb_fields, dumpdisk_sb_nfields, 508), 0);
	for (size_t i = 0; i < dumpdisk_sb_nfields; i++)
		assert_true(dumpdisk_sb_fields[i].at >= 16 || dumpdisk_sb_fields[i].at == 8);
	assert_int_equal(fields_check(zipl_ext_fields, zipl_ext_nfields, ZIPL_EXT_SIZE - 4), 0);
	for (size_t i = 0; i < zipl_ext_nfields; i++)
		assert_true(zipl_ext_fields[i].at >= 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cksm_is_s390_cksm),
		cmocka_unit_test(superblock_round_trip),
		cmocka_unit_test(record_tables_are_sound),
		cmocka_unit_test(write_any_order_crc),
		cmocka_unit_test(vmcore_reads_from_the_disk),
		cmocka_unit_test(log_bound_to_its_dump),
		cmocka_unit_test(zipl_layout_round_trip),
		cmocka_unit_test(nofollow_refuses_a_link_at_open),
		cmocka_unit_test(gpt_round_trip),
		cmocka_unit_test(lookup_by_uuid_label_path_only),
	};

	return cmocka_run_group_tests(tests, make_image, remove_image);
}
