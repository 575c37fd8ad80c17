/* One dump file to another (vmcore-inspect convert): ELF or kdump, any
 * source the reader opens, a flattened stream (a file, or standard input)
 * reassembled first. The result is written as NAME.incomplete and renamed
 * when complete, as every dump is. */
#ifndef DUMPBOX_CONVERT_H
#define DUMPBOX_CONVERT_H

#include <stdint.h>

#include "base/err.h"

struct convert_job {
	/* What to do (the applet's options). */
	const char *in;		/* a dump file, or "-": a flattened stream on stdin */
	const char *out;	/* must not exist */
	int format;		/* enum dump_format, or -1: the source's own */
	int codec;		/* enum codec (codec_choose) */
	int codec_level;	/* 0: the codec's default */
	int compress_set;	/* --compress was given */
	unsigned level;		/* dump level, when level_set */
	int level_set;
	unsigned threads;	/* 0: online CPUs, when threads_set */
	int threads_set;
	/* What happened. */
	uint64_t size;		/* bytes written */
	int reassembled;	/* a flattened stream rebuilt as it was, nothing else */
	char what[96];		/* "kdump-compressed, zstd, dump level 31", "ELF" */
	char filter_warning[512];	/* what the page filter could not apply, or "" */
};

/* Convert; EXIT_OK, or the status with e saying why (EXIT_DAMAGED with
 * e->msg and the file written: some source pages were unreadable and
 * are zeros). */
int convert_run(struct convert_job *c, struct err *e);

#endif
