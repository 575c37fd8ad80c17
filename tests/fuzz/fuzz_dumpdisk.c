/* libFuzzer target: everything that reads a dump disk. The input is
 * spread over a 4 MiB image (first half at the start, second half at the
 * end, where the backup superblock and zipl's bootmap live) held in a
 * memfd, and opened the way diskprep opens a device: our superblocks,
 * zipl's boot record, program table and superblock, the partition table,
 * the saved log, the ELF header a zipl dump starts with. Then the
 * superblock and zipl record decoders alone, on the raw input, and the
 * filesystem probe (ext4, xfs, btrfs superblocks). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "disk/dumpdisk.h"
#include "disk/fsprobe.h"
#include "disk/zipl.h"

#define IMAGE (4u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct dumpdisk d;
	struct dumpdisk_sb sb;
	struct zipl_ext ext;
	struct fs_info fi;
	uint8_t buf[DUMPDISK_SB_SIZE];
	struct err err;
	size_t head = size / 2, n;
	char *log;

	if (size > IMAGE)
		return 0;
	if (fd < 0) {
		fd = memfd_create("fuzz_dumpdisk", MFD_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (fd < 0 || ftruncate(fd, 0) < 0 || ftruncate(fd, IMAGE) < 0 ||
	    pwrite_all(fd, data, head, 0) < 0 ||
	    pwrite_all(fd, data + head, size - head, IMAGE - (size - head)) < 0)
		abort();

	if (dumpdisk_open(&d, path, DUMPDISK_RDONLY) == 0) {
		struct window w;
		uint8_t b[64];

		log = dumpdisk_read_log(&d, &n);
		if (log && strlen(log) > n)
			abort();
		free(log);
		/* The window must stay inside the device. */
		dumpdisk_window(&d, &w);
		if (w.base > IMAGE || w.size > IMAGE - w.base)
			abort();
		window_pread(&w, b, sizeof(b), w.size > sizeof(b) ? w.size - sizeof(b) : 0);
		(void)dumpdisk_state_name(d.info.state);
		if (strlen(d.info.kernel_release) >= sizeof(d.info.kernel_release))
			abort();
	}
	dumpdisk_close(&d);

	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	if (dumpdisk_sb_decode(&sb, buf, IMAGE, &err) == 0) {
		/* What the decoder accepts must be self-consistent. */
		if (sb.dump_offset + sb.dump_size > sb.part_size || sb.dump_bytes > sb.dump_size ||
		    sb.log_offset + sb.log_size > sb.dump_offset)
			abort();
	}
	if (size >= ZIPL_EXT_SIZE)
		zipl_ext_decode(&ext, data);
	/* The filesystem probe a target lookup runs on every device. */
	if (fs_probe(data, size, &fi) == 1 && (strlen(fi.uuid) != 36 || !fi.type[0] ||
					       strlen(fi.label) >= sizeof(fi.label)))
		abort();
	return 0;
}
