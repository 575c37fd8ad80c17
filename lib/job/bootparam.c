#include <stdio.h>
#include <string.h>

#include "base/dumpbox.h"
#include "job/bootparam.h"
#include "sys/cmdline.h"

const struct bootparam_def bootparam_defs[BP_COUNT] = {
	[BP_MODE] = { "mode", "mode" },
	[BP_TIMEOUT] = { "timeout", "timeout" },
	[BP_TARGET] = { "target", "target" },
	[BP_PATH] = { "path", "path" },
	[BP_FORMAT] = { "format", "format" },
	/* -d, --dump-level, as makedumpfile and zfcpdump spell it. */
	[BP_LEVEL] = { "level", "dump-level" },
	[BP_COMPRESS] = { "compress", "compress" },
	[BP_FALLBACK] = { "fallback", "fallback" },
	[BP_THREADS] = { "threads", "threads" },
	[BP_STALL] = { "stall", "stall" },
	[BP_FINAL] = { "final", "final" },
	[BP_ON_FAILURE] = { "on_failure", "on-failure" },
};

void bootparams_read(struct bootparams *p, const char *cmdline)
{
	for (int i = 0; i < BP_COUNT; i++) {
		char key[32];

		if (p->option[i])
			continue;
		snprintf(key, sizeof(key), "dumpbox.%s", bootparam_defs[i].name);
		if (cmdline_get(cmdline, key, p->cmdline[i], sizeof(p->cmdline[i])) == 0)
			p->val[i] = p->cmdline[i];
	}
	{
		char v[16];
		uint64_t n;

		if (cmdline_get(cmdline, "dump_debug", v, sizeof(v)) == 0 && parse_u64(v, &n) == 0)
			p->debug = (unsigned)(n > 9 ? 9 : n);
	}
}

void bootparams_option(struct bootparams *p, enum bootparam id, const char *val)
{
	p->val[id] = val;
	p->option[id] = 1;
}

int bootparams_getopt(struct bootparams *p, int c, int base, const char *arg)
{
	if (c == 'd')
		c = base + BP_LEVEL;
	if (c < base || c >= base + BP_COUNT)
		return 0;
	bootparams_option(p, (enum bootparam)(c - base), arg);
	return 1;
}

const char *bootparam_spelling(const struct bootparams *p, enum bootparam id, char *buf,
			       size_t len)
{
	if (p->option[id])
		snprintf(buf, len, "--%s", bootparam_defs[id].option);
	else
		snprintf(buf, len, "dumpbox.%s", bootparam_defs[id].name);
	return buf;
}

int bootparams_output(const struct bootparams *p, struct dumpjob_settings *s, struct err *e)
{
	struct dumpjob probe;
	struct err bad;

	memset(s, 0, sizeof(*s));
	s->debug = p->debug;
	for (int i = BP_FORMAT; i <= BP_STALL; i++) {
		const char *name = p->option[i] ? bootparam_defs[i].option : bootparam_defs[i].name;

		if (!p->val[i] || dumpjob_set(s, name, p->val[i], &bad) == 0)
			continue;
		if (p->option[i])
			return err_ret(e, EXIT_USAGE, "--%s", bad.msg);
		warnmsg("dumpbox.%s: left out", bad.msg);
	}
	dumpjob_init(&probe);
	if (dumpjob_apply(&probe, s, 1, &bad) == 0)
		return 0;
	/* Format and codec disagree: the option that chose either is wrong;
	 * from the command line, the format stands and the codec goes. */
	if (p->option[BP_FORMAT] || p->option[BP_COMPRESS])
		return err_ret(e, EXIT_USAGE, "--%s", bad.msg);
	warnmsg("dumpbox.%s: using the default codec", bad.msg);
	s->compress = NULL;
	return dumpjob_apply(&probe, s, 1, e);
}
