/* The kernel command line (/proc/cmdline): parameters separated by
 * spaces, a value in double quotes may hold spaces, as the kernel's own
 * parser reads it (lib/sys/cmdline.c: next_arg). */
#ifndef DUMPBOX_CMDLINE_H
#define DUMPBOX_CMDLINE_H

#include <stddef.h>

/* Copy the value of the last "key=value" on the line into buf (the
 * kernel lets a later parameter override an earlier one). 0 found (a bare
 * "key" gives ""), -1 absent or longer than buf. */
int cmdline_get(const char *cmdline, const char *key, char *buf, size_t len);

/* Step through the parameters of a command line: returns the end of the
 * next one and sets *start to its beginning (a double-quoted part may hold
 * white space), or NULL when there is none. */
const char *cmdline_next(const char *p, const char **start);

/* Read PATH (normally /proc/cmdline) into buf; "" when it cannot. */
void cmdline_read(const char *path, char *buf, size_t len);

#endif
