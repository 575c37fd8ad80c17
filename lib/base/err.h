/* The one way lib/ reports a failure: the function returns -1 (or NULL)
 * and fills a struct err with the exit status the applet ends with and
 * one line that says what happened, in the user's terms. Only applets
 * print and exit (die("%s", e.msg) and friends). */
#ifndef DUMPBOX_ERR_H
#define DUMPBOX_ERR_H

#include "base/dumpbox.h"

struct err {
	int status;		/* EXIT_*: what the applet exits with */
	char msg[512];		/* one line, without the applet's name */
};

/* Fill e and return -1. A format that ends in ':' gets strerror(errno)
 * appended, as warnmsg() and die() do. */
int err_set(struct err *e, int status, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* strerror(err), also for the errnos musl has no text for ("error N"
 * rather than "No error information"). */
const char *errstr(int err);

/* The same as an expression that is -1, or status for the functions whose
 * result is an exit status (kdump_open: 0, EXIT_NOT_OURS or
 * EXIT_DAMAGED). Macros, so that what is returned shows where it is
 * returned: static analyzers do not follow a variadic function. */
#define err_ret(e, status, ...) ({ err_set(e, status, __VA_ARGS__); -1; })
#define err_fail(e, status, ...) ({ int status_ = (status); \
	err_set(e, status_, __VA_ARGS__); status_; })

#endif
