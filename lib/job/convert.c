/* vmcore-inspect convert (job/convert.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/compress.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "base/window.h"
#include "core/vmcore.h"
#include "job/convert.h"
#include "write/dumptarget.h"
#include "write/flatread.h"
#include "write/pagefilter.h"
#include "write/pipeline.h"

/* An unnamed scratch file beside OUT (same file system, and not /tmp,
 * which may be small or in memory), as the target of a reassembly. */
static int scratch_file(const char *out, struct dump_target *t, int *fd, struct err *e)
{
	char *copy = xstrdup(out), *dir = dirname(copy);
	char tmpl[PATH_MAX];

	*fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (*fd < 0) {
		snprintf(tmpl, sizeof(tmpl), "%s/.vmcore-inspect.XXXXXX", dir);
		*fd = mkostemp(tmpl, O_CLOEXEC);
		if (*fd >= 0)
			unlink(tmpl);
	}
	if (*fd < 0) {
		err_set(e, EXIT_DAMAGED, "cannot create a scratch file in %s:", dir);
		free(copy);
		return -1;
	}
	free(copy);
	dump_target_fd(t, fd, "the scratch file");
	return 0;
}

/* A flattened stream: rebuilt as it is into OUT (nothing else asked), or
 * into a scratch file that *scratch is then open on, to convert. */
static int reassemble(struct convert_job *c, int in, int *scratch, struct err *e)
{
	int use_stdin = strcmp(c->in, "-") == 0;
	int plain = c->format < 0 && !c->compress_set && !c->level_set && !c->threads_set;
	const char *name = use_stdin ? "standard input" : c->in;
	struct dump_target t;
	struct err why;
	int rc;

	if (plain && dump_target_file(&t, c->out) < 0)
		return err_set(e, EXIT_DAMAGED, "cannot create %s.incomplete:", c->out);
	if (!plain && scratch_file(c->out, &t, scratch, e) < 0)
		return -1;
	rc = flat_reassemble(in, &t, &why);
	if (rc == EXIT_NOT_OURS && use_stdin)
		err_set(e, rc, "standard input: %s; convert reads a dump file by its name", why.msg);
	else if (rc)
		err_set(e, rc, "%s: %s%s%s", name, why.msg, plain ? "; what there was is in " : "",
			plain ? t.name : "");
	if (plain) {
		c->size = t.size;
		c->reassembled = !rc;
		dump_target_free(&t);
	}
	return rc ? -1 : 0;
}

static void describe(struct convert_job *c, const struct dump_opts *o)
{
	if (o->format == DUMP_FORMAT_KDUMP)
		snprintf(c->what, sizeof(c->what), "kdump-compressed, %s, dump level %u",
			 codec_name((enum codec)o->codec), o->dump_level);
	else
		snprintf(c->what, sizeof(c->what), "ELF%s", o->dump_level ? ", filtered" : "");
}

/* The source open in vc: written to c->out in the format asked for. */
static int convert_source(struct convert_job *c, const struct vmcore *vc, struct err *e)
{
	struct dump_opts o = { .threads = c->threads, .codec = c->codec,
			       .codec_level = c->codec_level };
	struct dump_target t;
	struct pagefilter pf;
	int rc;

	o.format = c->format >= 0 ? (enum dump_format)c->format
		   : vc->kdump ? DUMP_FORMAT_KDUMP : DUMP_FORMAT_ELF;
	if (o.format == DUMP_FORMAT_ELF && (c->compress_set || c->threads_set)) {
		err_set(e, EXIT_USAGE, "%s is an ELF core: --compress and --threads need "
			"--format kdump", c->in);
		return EXIT_USAGE;
	}
	o.progress = stderr;
	o.progress_secs = 10;
	o.dump_level = c->level_set ? c->level : 0;
	if (o.dump_level & ~DL_ZERO) {
		/* Never fatal: what it cannot classify is kept. */
		pagefilter_build(vc, o.dump_level, &pf);
		snprintf(c->filter_warning, sizeof(c->filter_warning), "%s", pf.warning);
		o.filter = &pf;
	}
	describe(c, &o);
	if (dump_target_file(&t, c->out) < 0) {
		err_set(e, EXIT_DAMAGED, "cannot create %s.incomplete:", c->out);
		rc = EXIT_DAMAGED;
	} else {
		rc = dump_vmcore(vc, &t, &o);
		c->size = t.size;
		if (rc == EXIT_DAMAGED && !t.error && t.nbad)
			err_set(e, rc, "%s: written, but %s", c->out, t.reason);
		else if (rc)
			err_set(e, rc, "%s: %s", t.name, t.reason[0] ? t.reason : "failed");
		dump_target_free(&t);
	}
	if (o.filter)
		pagefilter_free(&pf);
	return rc;
}

int convert_run(struct convert_job *c, struct err *e)
{
	int use_stdin = strcmp(c->in, "-") == 0, in, scratch = -1, rc;
	unsigned char magic[16];
	struct window w;
	struct vmcore vc;
	struct stat st;

	c->size = 0;
	c->reassembled = 0;
	c->what[0] = c->filter_warning[0] = '\0';
	if (lstat(c->out, &st) == 0) {
		err_set(e, EXIT_DAMAGED, "%s exists: remove it first", c->out);
		return EXIT_DAMAGED;
	}
	in = use_stdin ? STDIN_FILENO : open(c->in, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		err_set(e, errno == ENOENT ? EXIT_NOT_OURS : EXIT_DAMAGED, "%s:", c->in);
		return e->status;
	}
	/* A pipe can only be a flattened stream: that is what it is for. */
	if (use_stdin || (pread(in, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
			  flat_is_stream(magic, sizeof(magic)))) {
		rc = reassemble(c, in, &scratch, e);
		if (!use_stdin)
			close(in);
		if (rc < 0 || c->reassembled)
			return rc < 0 ? e->status : EXIT_OK;
		if (fstat(scratch, &st) < 0) {
			err_set(e, EXIT_DAMAGED, "scratch file:");
			close(scratch);
			return EXIT_DAMAGED;
		}
		window_init(&w, scratch, 0, (uint64_t)st.st_size, c->in);
	} else {
		close(in);
		if (window_open(&w, c->in) < 0) {
			err_set(e, errno == ENOENT || errno == EISDIR || errno == EINVAL
				   ? EXIT_NOT_OURS : EXIT_DAMAGED, "%s:", c->in);
			return e->status;
		}
	}
	rc = vmcore_open(&vc, &w);
	if (rc) {
		err_set(e, rc, "%s: %s", c->in, vc.err.msg);
	} else {
		rc = convert_source(c, &vc, e);
		vmcore_close(&vc);
	}
	window_close(&w);
	return rc;
}
