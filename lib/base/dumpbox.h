/* The one header every applet and library file includes: exit statuses,
 * error helpers, checked I/O wrappers. Subsystems have their own headers
 * (vmcore.h, window.h, json.h). */
#ifndef DUMPBOX_H
#define DUMPBOX_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/kconfig.h"

#define DUMPBOX_VERSION "0.1.0"

/* Exit statuses, the same for every applet (README: "Exit status"). */
enum {
	EXIT_OK = 0,		/* success */
	EXIT_DAMAGED = 1,	/* failed, or the input is damaged */
	EXIT_NOT_OURS = 2,	/* input is not what the applet reads */
	EXIT_INCOMPLETE = 3,	/* dump incomplete (e.g. target full) */
	EXIT_USAGE = 64,	/* bad command line (sysexits' EX_USAGE) */
	EXIT_NO_APPLET = 127,	/* no such applet (as a shell says) */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* The name messages are prefixed with: the applet being run. */
extern const char *applet_name;

/* Messages go to stderr as "APPLET: message". A format ending in ':'
 * appends ": " and strerror(errno), as in sbase's eprintf. */
void warnmsg(const char *fmt, ...) PRINTF_LIKE(1, 2);
void vwarnmsg(const char *fmt, va_list ap);
NORETURN void die(int status, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* A usage error: the message, a hint at --help, exit EXIT_USAGE. */
NORETURN void usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* getopt_long returned '?' (an unknown option, or one without its
 * argument): a usage error naming it. The dispatcher sets opterr to 0, so
 * this is the only message: getopt's own would name argv[0], which under
 * a subcommand is the subcommand. */
NORETURN void usage_bad_option(char *const argv[]);

/* Print the running applet's --help text to stdout and exit 0. */
NORETURN void show_usage(void);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Whole-buffer I/O that retries short counts and EINTR. Return 0 or -1
 * with errno set; a read that hits end of file early returns the bytes it
 * got through *got (which may be NULL when short reads are errors). */
int write_all(int fd, const void *buf, size_t len);
int pwrite_all(int fd, const void *buf, size_t len, uint64_t off);
int pread_full(int fd, void *buf, size_t len, uint64_t off, size_t *got);

/* Checked versions that die with EXIT_DAMAGED and name what failed. */
int xopen(const char *path, int flags, mode_t mode);
void xwrite_all(int fd, const void *buf, size_t len, const char *what);
void xfsync(int fd, const char *what);
void xclose(int fd, const char *what);

/* Flush and check stdout before exit: a full disk or a closed pipe must
 * not look like success. Returns EXIT_DAMAGED on failure, else status. */
int finish_stdout(int status);

/* Read a one-line kernel attribute (sysfs, procfs, debugfs) ROOT/REL into
 * buf, NUL-terminated, without its newline. 0, or -1 with errno set.
 * Roots let tests hand a tree laid out as the kernel's. */
int read_attr(const char *root, const char *rel, char *buf, size_t len);

/* Seconds on the monotonic clock: for rates and timeouts. */
double monotonic_seconds(void);
/* Are these len bytes all zeros? (Fast on the zero pages of a dump.) */
int buf_is_zero(const void *buf, size_t len);
/* Seconds since the epoch as "YYYY-MM-DD HH:MM:SS UTC" in buf, or
 * "unknown" for 0 (a time nobody recorded). */
const char *utc_time(uint64_t t, char *buf, size_t len);

/* Parse an unsigned number (decimal, 0x hex, or 0 octal) that must fill
 * the whole string; 0 on success, -1 on junk or overflow. */
int parse_u64(const char *s, uint64_t *out);

/* Bytes in MiB, for messages ("%.1f MiB"). */
static inline double mib(uint64_t bytes)
{
	return (double)bytes / (double)(1u << 20);
}

#endif
