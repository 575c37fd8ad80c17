/* The dump kernel's settings in one table: dumpbox.NAME=VALUE on its
 * command line, --OPTION VALUE for the applets that take them (rescue in
 * the dump kernel, kdump-load on the running system, which writes them
 * into the capture kernel's command line). One table, so that the
 * parameter, the option and the help text cannot drift apart. */
#ifndef DUMPBOX_BOOTPARAM_H
#define DUMPBOX_BOOTPARAM_H

#include <getopt.h>
#include <stddef.h>

#include "base/err.h"
#include "job/dumpjob.h"

enum bootparam {
	BP_MODE, BP_TIMEOUT, BP_TARGET, BP_PATH,
	BP_FORMAT, BP_LEVEL, BP_COMPRESS, BP_FALLBACK, BP_THREADS, BP_STALL,	/* the output */
	BP_FINAL, BP_ON_FAILURE,
	BP_COUNT
};

struct bootparam_def {
	const char *name;	/* dumpbox.NAME */
	const char *option;	/* --OPTION */
};
extern const struct bootparam_def bootparam_defs[BP_COUNT];

struct bootparams {
	const char *val[BP_COUNT];	/* the value in force; NULL: not given */
	unsigned char option[BP_COUNT];	/* 1: an option gave it */
	char cmdline[BP_COUNT][256];	/* the command line's values */
	unsigned debug;			/* dump_debug=N, zfcpdump's (0-9) */
};

/* Take the dumpbox.* values of CMDLINE where no option gave one: options
 * win over the command line whatever order they are set in. */
void bootparams_read(struct bootparams *p, const char *cmdline);

/* --OPTION VAL (VAL must outlive p). */
void bootparams_option(struct bootparams *p, enum bootparam id, const char *val);

/* The settings' entries of a getopt_long table, the option of setting id
 * returning BASE + id (-d: 'd', as makedumpfile spells the dump level):
 * put them in the applet's table, with "d:" in its short options, and
 * hand what getopt_long returns to bootparams_getopt(). */
#define BOOTPARAM_LONGOPTS(base) \
	{ "mode", required_argument, NULL, (base) + BP_MODE }, \
	{ "timeout", required_argument, NULL, (base) + BP_TIMEOUT }, \
	{ "target", required_argument, NULL, (base) + BP_TARGET }, \
	{ "path", required_argument, NULL, (base) + BP_PATH }, \
	{ "format", required_argument, NULL, (base) + BP_FORMAT }, \
	{ "dump-level", required_argument, NULL, 'd' }, \
	{ "compress", required_argument, NULL, (base) + BP_COMPRESS }, \
	{ "fallback", required_argument, NULL, (base) + BP_FALLBACK }, \
	{ "threads", required_argument, NULL, (base) + BP_THREADS }, \
	{ "stall", required_argument, NULL, (base) + BP_STALL }, \
	{ "final", required_argument, NULL, (base) + BP_FINAL }, \
	{ "on-failure", required_argument, NULL, (base) + BP_ON_FAILURE }

/* 1 if C (from getopt_long, with BASE as in BOOTPARAM_LONGOPTS) is one of
 * the settings, now taken; else 0. */
int bootparams_getopt(struct bootparams *p, int c, int base, const char *arg);

/* The setting as the user spelt it, for messages: "--format" or
 * "dumpbox.format". */
const char *bootparam_spelling(const struct bootparams *p, enum bootparam id, char *buf,
			       size_t len);

/* The output settings (format, level, compress, fallback, threads, stall) into
 * s, checked together with the dump kernel's defaults, so that
 * dumpjob_apply(j, s, 1, ...) cannot fail. A bad value from the command
 * line is left out with a warning ("dumpbox.level ...: left out"): a dump
 * at the defaults beats none. A bad option fails: -1 with e (EXIT_USAGE),
 * its message starting with the option ("--format takes ..."). s points
 * into p. */
int bootparams_output(const struct bootparams *p, struct dumpjob_settings *s, struct err *e);

#endif
