/* struct err (base/err.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"

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
		snprintf(e->msg + n, sizeof(e->msg) - n, " %s", strerror(saved));
	e->status = status;
	errno = saved;
	return -1;
}
