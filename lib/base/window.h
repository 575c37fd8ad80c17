/* A window onto a file descriptor: the bytes [base, base + size) of a
 * regular file, a block device, or the dump area of a partition. Readers
 * take a window, not a file name, so the same code reads /proc/vmcore, a
 * saved file, a raw disk and the dump inside a prepared partition. */
#ifndef DUMPBOX_WINDOW_H
#define DUMPBOX_WINDOW_H

#include <stddef.h>
#include <stdint.h>

struct window {
	int fd;
	uint64_t base;		/* where byte 0 of the window is in fd */
	uint64_t size;		/* bytes in the window */
	const char *name;	/* for messages */
	int mmap;		/* read through mmap(), not pread() */
};

/* /proc/vmcore is read through mmap(): each read() of it has the kernel
 * map and copy old memory a page at a time, one mmap() maps a whole
 * chunk (makedumpfile does the same). A read maps just its own range and
 * unmaps it at once, so memory stays what the caller's buffer is, and
 * threads share nothing. Where mmap() is refused (an old kernel, a
 * source that has none) pread() takes over for good. DUMPBOX_MMAP=0
 * turns it off, DUMPBOX_MMAP=1 on for any regular file (tests, bench). */
#define WINDOW_MMAP_ENV	"DUMPBOX_MMAP"

/* Open PATH read-only as a window over all of it: a regular file (its
 * st_size) or a block device (BLKGETSIZE64); mmap set as above. 0, or -1
 * with errno set. */
int window_open(struct window *w, const char *path);

/* A window over [base, base + size) of an open fd (not owned). */
void window_init(struct window *w, int fd, uint64_t base, uint64_t size,
		 const char *name);

/* Read up to len bytes at off (relative to the window), never past its
 * end. Returns the bytes read (short at the end of the window, or of the
 * underlying file), or -1 with errno set. */
ssize_t window_pread(const struct window *w, void *buf, size_t len, uint64_t off);

void window_close(struct window *w);

#endif
