/* newc cpio archives ("070701", what the kernel unpacks as initramfs):
 * a writer driven by a text spec in the style of Linux's gen_init_cpio,
 * and a bounded reader.
 *
 * Spec lines (fields separated by blanks; '#' starts a comment line):
 *
 *   dir   NAME MODE UID GID
 *   file  NAME SOURCE MODE UID GID
 *   nod   NAME MODE UID GID c|b MAJ MIN
 *   slink NAME TARGET MODE UID GID
 *
 * MODE is octal permission bits (at most 07777), UID, GID, MAJ and MIN are
 * decimal. NAME is an absolute path in the archive; it is stored without
 * its leading '/', as the kernel expects. Owners, modes and device numbers
 * come from the spec, never from the build machine, so no root is needed
 * and the same spec and sources give the same bytes. */
#ifndef DUMPBOX_CPIO_H
#define DUMPBOX_CPIO_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define CPIO_MAGIC		"070701"
#define CPIO_HEADER_SIZE	110
#define CPIO_TRAILER		"TRAILER!!!"
/* Longest name the writer takes and the reader accepts (the kernel's
 * limit is PATH_MAX). */
#define CPIO_NAME_MAX		4096

enum cpio_type { CPIO_DIR, CPIO_FILE, CPIO_NOD, CPIO_SLINK };

struct cpio_entry {
	enum cpio_type type;
	char *name;		/* without the leading '/' */
	char *source;		/* file: where the data comes from; slink: target */
	uint32_t mode;		/* permission bits */
	uint32_t uid, gid;
	char dev;		/* nod: 'c' or 'b' */
	uint32_t maj, min;
	const char *file;	/* spec file and line, for messages */
	unsigned line;
};

struct cpio_spec {
	struct cpio_entry *e;
	size_t n, cap;
};

/* Parse one spec line (without its newline) into e. Returns 1 for an
 * entry, 0 for a blank or comment line, -1 with err saying what is wrong
 * (without a line number: the caller adds it). The strings in e are
 * malloc'd; cpio_entry_free() releases them. */
int cpio_spec_line(const char *line, struct cpio_entry *e, struct err *err);
void cpio_entry_free(struct cpio_entry *e);

/* Parse a whole spec text of len bytes (NUL bytes are an error), adding
 * its entries to s. fname names it in messages. Also checks what only the
 * whole archive shows: the same name twice, a parent directory that no
 * earlier line (in this or a previous text) created. Returns 0, or -1
 * with err as "FNAME:LINE: message" for the first bad line. */
int cpio_spec_parse(struct cpio_spec *s, const char *text, size_t len, const char *fname,
		    struct err *err);
void cpio_spec_free(struct cpio_spec *s);

/* Write the archive of s to fd: one header per entry, inode numbers 1, 2,
 * ... in spec order, mtime for every entry, then the trailer, padded to a
 * multiple of 512 bytes as cpio(1) does. A file's data is read from its
 * SOURCE; a source that is not a regular file, or changes size while it
 * is read, is an error. Returns 0, or -1 with err. */
int cpio_write(int fd, const struct cpio_spec *s, uint32_t mtime, struct err *err);

/* ---- reading ---------------------------------------------------------- */

struct cpio_member {
	const char *name;	/* NUL-terminated, inside the buffer */
	uint32_t mode;		/* type and permission bits */
	uint32_t uid, gid, nlink, mtime;
	uint32_t rmaj, rmin;
	const uint8_t *data;	/* file contents or link target, size bytes */
	uint32_t size;
	size_t offset;		/* of the header in the buffer */
};

/* Walk the newc archives in buf[0..len): several may follow each other,
 * with zero padding between them (the kernel takes that too). For each
 * member but the trailers, call fn; a non-zero return stops the walk and
 * is returned. Returns 0 at the end, or -1 with err for anything that is
 * not a well-formed newc archive (bad magic, a field that is not hex, a
 * size beyond the buffer, a name without its NUL). */
int cpio_walk(const uint8_t *buf, size_t len,
	      int (*fn)(const struct cpio_member *m, void *arg), void *arg,
	      struct err *err);

/* Decompress an initramfs image as the kernel would find it: gzip (one
 * or more members, each possibly followed by zero padding) or an
 * uncompressed newc archive, into a malloc'd buffer of at most max bytes.
 * Returns the buffer with *out_len, or NULL with err (another compression
 * is named as such, so the message can say it is not supported). */
uint8_t *cpio_load_image(const uint8_t *img, size_t len, size_t max, size_t *out_len,
			 struct err *err);

#endif
