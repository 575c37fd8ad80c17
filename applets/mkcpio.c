/* mkcpio: write a newc cpio archive (an initramfs) from a text spec, with
 * owners, modes and device nodes taken from the spec: reproducible, and
 * no root needed. scripts/mkinitramfs builds our initramfs with it. */
//applet:mkcpio
//config:config MKCPIO
//config:	bool "mkcpio: build an initramfs archive from a text spec"
//config:	default y
//config:	help
//config:	  usage: mkcpio [-o OUT] [SPEC...]
//config:
//config:	  Write a newc cpio archive (what the kernel unpacks as its
//config:	  initramfs) described by the SPEC files (standard input without
//config:	  any, or for "-") to OUT (default standard output). Lines:
//config:
//config:	    dir   NAME MODE UID GID
//config:	    file  NAME SOURCE MODE UID GID
//config:	    nod   NAME MODE UID GID c|b MAJ MIN
//config:	    slink NAME TARGET MODE UID GID
//config:
//config:	  MODE is octal, the other numbers decimal; '#' starts a comment
//config:	  line. NAME is a path in the archive; its directory must come on
//config:	  an earlier line, and no name may come twice. Only a file's
//config:	  contents come from the build machine (SOURCE); owners, modes and
//config:	  device numbers come from the spec, so no root is needed.
//config:
//config:	  The archive is reproducible: inode numbers follow the spec's
//config:	  order and every member's time is SOURCE_DATE_EPOCH (0 if unset).
//config:	  Compress it with `gzip -n -9` to keep it so.
//config:
//config:	  Options:
//config:	    -o, --output OUT  write to OUT (replaced only when complete)
//config:	    --help            this text
//config:
//config:	  Exit status: 0 written, 1 a bad spec line (FILE:LINE: says which)
//config:	  or a source that cannot be read, 64 usage error.

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/cpio.h"

/* A spec bigger than this is not a spec. */
#define SPEC_MAX (16u << 20)

struct mkcpio {
	const char *output;
	struct cpio_spec spec;
	char tmp[4096];
};

static char *read_spec(const char *path, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf;

	if (fd < 0)
		die(EXIT_DAMAGED, "%s:", path);
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= SPEC_MAX)
				die(EXIT_DAMAGED, "%s: larger than %u bytes", path, SPEC_MAX);
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(EXIT_DAMAGED, "%s:", path);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (fd != 0)
		close(fd);
	*len = n;
	return buf;
}

static uint32_t source_date_epoch(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;

	if (!s || !*s)
		return 0;
	if (parse_u64(s, &v) < 0 || v > UINT32_MAX)
		usage_error("SOURCE_DATE_EPOCH='%s' is not a time newc can store", s);
	return (uint32_t)v;
}

int mkcpio_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct mkcpio ctx = { .output = NULL };
	struct err err;
	uint32_t mtime;
	int c, fd = 1;

	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			ctx.output = optarg;
			break;
		default:
			usage_bad_option(argv);
		}
	}
	mtime = source_date_epoch();
	for (int i = optind; i < argc || i == optind; i++) {
		const char *path = i < argc ? argv[i] : "-";
		const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
		size_t len;
		char *text = read_spec(path, &len);

		if (cpio_spec_parse(&ctx.spec, text, len, name, &err) < 0)
			die(EXIT_DAMAGED, "%s", err.msg);
		free(text);
	}
	if (ctx.output && strcmp(ctx.output, "-") != 0) {
		/* A half-written archive must not stand under the final name. */
		if (snprintf(ctx.tmp, sizeof(ctx.tmp), "%s.tmp", ctx.output) >= (int)sizeof(ctx.tmp))
			usage_error("%s: name too long", ctx.output);
		fd = open(ctx.tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die(EXIT_DAMAGED, "%s:", ctx.tmp);
	}
	if (cpio_write(fd, &ctx.spec, mtime, &err) < 0) {
		if (fd != 1)
			unlink(ctx.tmp);
		die(EXIT_DAMAGED, "%s", err.msg);
	}
	if (fd != 1) {
		xclose(fd, ctx.tmp);
		if (rename(ctx.tmp, ctx.output) < 0) {
			warnmsg("rename %s to %s:", ctx.tmp, ctx.output);
			unlink(ctx.tmp);
			cpio_spec_free(&ctx.spec);
			return EXIT_DAMAGED;
		}
	}
	cpio_spec_free(&ctx.spec);
	return EXIT_OK;
}
