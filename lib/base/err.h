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

#endif
