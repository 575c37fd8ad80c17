/* struct err (base/err.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"

const char *errstr(int err)
{
	static char buf[32];
	const char *s;

	/* Linux's EFSCORRUPTED: what ext4 and xfs say of a damaged
	 * filesystem, which musl has no text for. */
	if (err == EUCLEAN)
		return "Structure needs cleaning (the filesystem is damaged)";
	s = strerror(err);
	if (err && strcmp(s, "No error information") == 0) {
		snprintf(buf, sizeof(buf), "error %d", err);
		return buf;
	}
	return s;
}

int err_set(struct err *e, int status, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (n && e->msg[n - 1] == ':')
		snprintf(e->msg + n, sizeof(e->msg) - n, " %s", errstr(saved));
	e->status = status;
	errno = saved;
	return -1;
}
