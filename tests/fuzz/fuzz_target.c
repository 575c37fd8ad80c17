/* libFuzzer target: the names of the network dump targets and the
 * settings that carry them, all read off the dump kernel's command line
 * (dumpbox.target=ssh:USER@HOST[:PORT], nfs:HOST:/EXPORT[,OPTIONS], with
 * dumpbox.path and the output settings), and the quoting of the dump's
 * directory for the SSH server's shell.
 *
 * The input is a command line. The checks are the promises the dump
 * relies on: bootparams_output never fails on what came from the command
 * line (a bad value is left out, the dump goes on at the defaults) and
 * what it keeps is accepted by dumpjob_apply; an accepted ssh target has
 * a user and a host, neither starting with '-' (dbclient would take it
 * for an option), a port of 1-65535 or none; an accepted nfs export
 * starts with its host and ":/", and its mount options fit; a quoted
 * path is one word for sh that reads back as the path. */
// fuzz-max-len: 4097
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "job/bootparam.h"
#include "job/dumpjob.h"
#include "sys/nfs.h"
#include "sys/ssh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The shell's reading of a '...' word with '\'' for a quote. */
static int unquote(const char *q, char *out, size_t len)
{
	size_t n = 0;

	while (*q) {
		if (*q == '\\' && q[1] == '\'') {
			q += 2;
			if (n + 1 >= len)
				return -1;
			out[n++] = '\'';
			continue;
		}
		if (*q++ != '\'')
			return -1;	/* outside quotes: only \' */
		for (; *q && *q != '\''; q++) {
			if (n + 1 >= len)
				return -1;
			out[n++] = *q;
		}
		if (*q++ != '\'')
			return -1;
	}
	out[n] = '\0';
	return 0;
}

static void check_ssh(const char *spec)
{
	struct ssh_dest d;
	struct err e;

	memset(&e, 0, sizeof(e));
	if (ssh_parse(spec, &d, &e) < 0) {
		if (e.status != EXIT_USAGE || !memchr(e.msg, '\0', sizeof(e.msg)))
			abort();
		return;
	}
	if (!d.user[0] || !d.host[0] || d.user[0] == '-' || d.host[0] == '-' || d.port > 65535)
		abort();
	if (d.user[strcspn(d.user, " \t\n;'\"$`\\|&<>()/")] || d.host[strcspn(d.host, " \t\n;'\"$`\\|&<>()/")])
		abort();
}

static void check_nfs(const char *spec)
{
	struct nfs_spec n;
	struct err e;
	size_t h;

	memset(&e, 0, sizeof(e));
	if (nfs_check(spec, &e) < 0) {
		if (e.status != EXIT_USAGE)
			abort();
		return;
	}
	/* What nfs_parse would keep, without the lookup. */
	h = strcspn(spec, ":");
	if (h == 0 || h >= sizeof(n.host) || spec[h + 1] != '/')
		abort();
}

static void check_quote(const char *path)
{
	char q[600], back[300];

	if (strlen(path) >= sizeof(back))
		return;
	if (ssh_quote(path, q, sizeof(q)) < 0) {
		/* Only when it cannot fit: at most 4 bytes per byte, 2 quotes. */
		if (strlen(path) * 4 + 3 <= sizeof(q))
			abort();
		return;
	}
	if (unquote(q, back, sizeof(back)) < 0 || strcmp(back, path) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dumpjob j;	/* large: not on the stack */
	struct dumpjob_settings s;
	struct bootparams p;
	struct err e;
	char *line;

	if (size > 4097)
		return 0;
	line = malloc(size + 1);
	if (!line)
		abort();
	memcpy(line, data, size);
	line[size] = '\0';

	memset(&p, 0, sizeof(p));
	bootparams_read(&p, line);
	memset(&e, 0, sizeof(e));
	if (bootparams_output(&p, &s, &e) < 0)
		abort();	/* the command line alone never fails it */
	memset(&j, 0, sizeof(j));
	if (dumpjob_apply(&j, &s, 1, &e) < 0)
		abort();

	if (p.val[BP_TARGET]) {
		const char *t = p.val[BP_TARGET];

		if (strncmp(t, "ssh:", 4) == 0)
			check_ssh(t + 4);
		else if (strncmp(t, "nfs:", 4) == 0)
			check_nfs(t + 4);
	}
	if (p.val[BP_PATH])
		check_quote(p.val[BP_PATH]);
	/* The whole line as each kind of name, too: more of it reaches the
	 * parsers than a dumpbox.target= value of 255 bytes. */
	check_ssh(line);
	check_nfs(line);
	check_quote(line);
	free(line);
	return 0;
}
