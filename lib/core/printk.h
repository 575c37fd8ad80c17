/* The kernel log (dmesg) of a vmcore, from VMCOREINFO alone: the lockless
 * printk ring (Linux 5.10+), the structured log (3.5-5.9) and the legacy
 * character ring (before 3.5). Records are streamed oldest first through
 * a small cache of the pages they live in: memory stays bounded whatever
 * the ring size, and only those pages are read.
 *
 * The output format is makedumpfile --dump-dmesg's (docs/DMESG.md lists
 * where and why we differ). */
#ifndef DUMPBOX_PRINTK_H
#define DUMPBOX_PRINTK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

struct vmcore;

enum printk_kind {
	PRINTK_NONE,		/* no log symbols in VMCOREINFO */
	PRINTK_LOCKLESS,	/* SYMBOL(prb): Linux 5.10+ */
	PRINTK_STRUCTURED,	/* SYMBOL(log_first_idx): Linux 3.5-5.9 */
	PRINTK_LEGACY,		/* SYMBOL(log_end): before 3.5 */
};

struct printk_record {
	uint64_t ts_nsec;
	const char *text;	/* len bytes, any values, not NUL-terminated */
	size_t len;
	/* Legacy ring: text is raw log bytes (a line with its '\n', or a
	 * piece of a very long line) printed as they are, and ts_nsec comes
	 * from the "[ s.us]" the kernel may have put in the text itself
	 * (0 before the first such stamp). */
	int raw;
};

/* Called for each record, oldest first. Returns 0 to go on; a positive
 * value stops the walk and is what printk_log() returns. */
typedef int (*printk_emit_fn)(void *arg, const struct printk_record *rec);

/* Which log the dump has, by VMCOREINFO symbols (no memory is read). */
enum printk_kind printk_kind(const struct vmcore *vc);
const char *printk_kind_name(enum printk_kind kind);

/* Walk the kernel log of vc. Returns 0 when every record was passed to
 * emit, what emit returned when it stopped the walk, or -1 when the log
 * cannot be read (missing symbols, structures out of the dump, a corrupt
 * structured log: records before the damage have been emitted) with the
 * reason in err. Descriptors of the lockless ring that are not in a
 * readable state are skipped silently, as the kernel skips them. */
int printk_log(const struct vmcore *vc, printk_emit_fn emit, void *arg,
	       struct err *err);

/* ---- formatting, as makedumpfile --dump-dmesg prints ------------------- */

/* "[%5llu.%06llu] " of a timestamp; returns its length (< size). */
size_t printk_prefix(uint64_t ts_nsec, char *buf, size_t size);

/* How one byte of a record's text is printed (not '\n', which starts an
 * indented line): itself when printable or white space in the C locale,
 * else "\xNN" with the byte's value, as vmcore-dmesg and the kernel's
 * /dev/kmsg write it (makedumpfile 1.7.2 sign-extends bytes >= 0x80 into
 * "\xffffffNN"). Writes at most 4 bytes to out, returns how many. */
size_t printk_escape(unsigned char c, char out[4]);

/* Writes formatted records to a stdio stream. Counting lines lets --tail
 * work in two passes without keeping lines: the first pass counts (out
 * NULL), the second skips all but the last N. */
struct printk_writer {
	FILE *out;		/* NULL: count only */
	uint64_t skip;		/* output lines to drop before writing */
	uint64_t lines;		/* output lines begun so far, dropped included */
	int mid_line;		/* a raw record left a line unfinished */
};

/* Format rec into w. 0, or -1 when the stream has an error. */
int printk_write(struct printk_writer *w, const struct printk_record *rec);

/* The first output line of rec, formatted as printk_write() does (no
 * '\n'; a raw record's bytes are escaped too, this is for screens),
 * NUL-terminated and cut to fit size. Returns its length. */
size_t printk_format_line(const struct printk_record *rec, char *buf, size_t size);

/* ---- the panic message ------------------------------------------------- */

/* The line a rescue screen shows as "why it crashed": the last record that
 * starts with "Kernel panic - not syncing"; failing that the last sysrq
 * crash trigger; failing that the last oops or BUG line (a kernel with
 * kdump loaded goes to the capture kernel from an oops without printing a
 * panic line). Feed every record; rank 0 means nothing matched. */
struct printk_panic {
	int rank;
	uint64_t ts_nsec;
	char line[256];		/* formatted, as printk_format_line() */
};

void printk_panic_init(struct printk_panic *p);
void printk_panic_feed(struct printk_panic *p, const struct printk_record *rec);

/* The log as text (printk_write's lines): its last max_lines lines (0:
 * all), of those the last max bytes; a malloc'd buffer of *len bytes, or
 * NULL when memory runs out. A log that cannot be read (err says why, ""
 * otherwise) gives what was read before. */
char *printk_log_text(const struct vmcore *vc, uint64_t max_lines, size_t max, size_t *len,
		      struct err *err);

/* printk_log() feeding a printk_panic: 1 found (line filled), 0 no such
 * record, -1 the log cannot be read (err says why). */
int printk_find_panic(const struct vmcore *vc, char *line, size_t size,
		      struct err *err);

/* ---- the lockless ring's position arithmetic (exposed for tests) ------- */

/* Where the text of a data block [begin, next) (logical positions) lies in
 * a ring of size bytes (a power of two) whose blocks start with an id of
 * idsize bytes: 1 with *off and *len set, 0 for a block without data, -1 for
 * positions no writer makes. Same arithmetic as makedumpfile and
 * vmcore-dmesg: positions are taken modulo size, and a block that wraps
 * keeps its data at the start of the ring. */
int printk_blk_text(uint64_t begin, uint64_t next, uint64_t size, unsigned idsize,
		    uint64_t *off, uint64_t *len);

/* Parse SECONDS[.FRACTION] (up to nanoseconds) into nanoseconds: 0, or
 * -1 on junk or overflow. For --since. */
int printk_parse_seconds(const char *s, uint64_t *nsec);

/* Parse a "[ s.us]" stamp at the start of a legacy line, after an optional
 * "<N>" level: 1 with *ts_nsec set, else 0. */
int printk_legacy_stamp(const char *text, size_t len, uint64_t *ts_nsec);

#endif
