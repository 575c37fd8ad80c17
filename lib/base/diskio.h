/* The writes of a dump disk's protocol go through here, so that a test
 * can record them (DUMPBOX_WRITE_TRACE=FILE, when the build has
 * CONFIG_DISKPREP_TEST_HOOKS) and replay any prefix of them, torn, onto a
 * copy of the disk: that is how tests/diskprep.test cuts the power. */
#ifndef DUMPBOX_DISKIO_H
#define DUMPBOX_DISKIO_H

#include <stddef.h>
#include <stdint.h>

/* pwrite_all / fsync, traced. 0 or -1 with errno. */
int disk_pwrite(int fd, const void *buf, size_t len, uint64_t off);
int disk_fsync(int fd);

#endif
