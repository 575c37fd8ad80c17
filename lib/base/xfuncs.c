/* Error reporting and checked wrappers. A dump tool that ignores one
 * failed write or fsync reports success for a dump that is not there, so
 * every path to the disk goes through these. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "base/err.h"

const char *applet_name = "dumpbox";

void vwarnmsg(const char *fmt, va_list ap)
{
	int err = errno;
	size_t n = strlen(fmt);

	fflush(stdout);
	fprintf(stderr, "%s: ", applet_name);
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s", errstr(err));
	fputc('\n', stderr);
	errno = err;
}

void warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnmsg(fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", applet_name);
	exit(EXIT_USAGE);
}

void usage_bad_option(char *const argv[])
{
	const char *word = optind > 0 ? argv[optind - 1] : NULL;

	/* A missing argument at the end: musl moves optind past argc (to
	 * argv's NULL), glibc does not. */
	if (!word)
		word = optind > 1 ? argv[optind - 2] : "";

	/* Inside a cluster (-xq) optind has not moved on yet: optopt is
	 * the letter. A long option's optopt is its value, not its name. */
	if (strncmp(word, "--", 2) != 0 && optopt > ' ' && optopt < 0x7f)
		usage_error("unknown option, or no argument to it: '-%c'", optopt);
	usage_error("unknown option, or no argument to it: '%s'", word);
}

static void *check_alloc(void *p, size_t n)
{
	if (!p && n)
		die(EXIT_DAMAGED, "out of memory (%zu bytes)", n);
	return p;
}

void *xmalloc(size_t n)
{
	return check_alloc(malloc(n), n);
}

void *xcalloc(size_t n, size_t size)
{
	return check_alloc(calloc(n, size), n * size);
}

void *xrealloc(void *p, size_t n)
{
	return check_alloc(realloc(p, n), n);
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* write() or, with off >= 0, pwrite() until all of buf is out: a
 * signal or a short write goes on, a write of nothing is a full disk. */
static int put_all(int fd, const void *buf, size_t len, int64_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = off < 0 ? write(fd, p, len) : pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	return put_all(fd, buf, len, -1);
}

int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	if (off > INT64_MAX) {
		errno = EINVAL;
		return -1;
	}
	return put_all(fd, buf, len, (int64_t)off);
}

int pread_full(int fd, void *buf, size_t len, uint64_t off, size_t *got)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, p + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (got)
				*got = done;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (got)
		*got = done;
	else if (done < len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int xopen(const char *path, int flags, mode_t mode)
{
	int fd = open(path, flags | O_CLOEXEC, mode);

	if (fd < 0)
		die(EXIT_DAMAGED, "cannot open %s:", path);
	return fd;
}

void xwrite_all(int fd, const void *buf, size_t len, const char *what)
{
	if (write_all(fd, buf, len) < 0)
		die(EXIT_DAMAGED, "write to %s failed:", what);
}

void xfsync(int fd, const char *what)
{
	/* fsync on a pipe or terminal has nothing to flush: not an error. */
	if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS)
		die(EXIT_DAMAGED, "fsync of %s failed:", what);
}

void xclose(int fd, const char *what)
{
	if (close(fd) < 0 && errno != EINTR)
		die(EXIT_DAMAGED, "close of %s failed:", what);
}

int finish_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warnmsg("write to standard output failed:");
		return status ? status : EXIT_DAMAGED;
	}
	return status;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int read_attr(const char *root, const char *rel, char *buf, size_t len)
{
	char path[4096];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

double monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int buf_is_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t acc = 0, w;
	size_t i = 0;

	/* musl's memcmp goes byte by byte; OR-ing words is ~6x faster on
	 * the zero pages that make up most of a dump. Data usually shows in
	 * the first word. */
	if (len >= sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		if (w)
			return 0;
	}
	for (; i + 8 * sizeof(w) <= len; i += 8 * sizeof(w)) {
		for (size_t k = 0; k < 8; k++) {
			memcpy(&w, p + i + k * sizeof(w), sizeof(w));
			acc |= w;
		}
		if (acc)
			return 0;
	}
	for (; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

const char *utc_time(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		return "unknown";
	return buf;
}
