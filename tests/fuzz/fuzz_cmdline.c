/* libFuzzer target: the kernel command line, as /init, rescue, zfcpdump
 * and kdump-load read it (lib/sys/cmdline.c), and what lib/sys/modload.c makes of
 * it: the module parameters passed to finit_module, and the module load
 * list. The first input byte picks the size of the caller's buffer (small
 * sizes find off-by-ones at the edge), the rest is the line.
 *
 * The checks are the promises the callers rely on: every parameter lies
 * inside the line and makes progress; a value found fits its buffer, is
 * NUL-terminated and is bytes of the line; module parameters fit, are
 * bytes of the line and never start with a blank; load-list names
 * are plain .ko file names. */
// fuzz-max-len: 4097
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/cmdline.h"
#include "sys/modload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every key a dumpbox applet asks for, and a few that look alike. */
static const char *const keys[] = {
	"dumpbox.target", "dumpbox.mode", "dumpbox.timeout", "dumpbox.format",
	"dumpbox.final", "dumpbox.on_failure", "dumpbox.settle", "dumpbox.selftest",
	"console", "dump_debug", "rdinit", "init", "root", "dumpbox", "",
};
static const char *const mods[] = { "virtio_scsi", "scsi-mod", "zfcp", "sd_mod", "a" };

static void check_inside(const char *line, size_t n, const char *p, size_t len)
{
	if (len && !memmem(line, n, p, len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p, *start, *end;
	struct err err;
	char *line, *buf, name[MODLOAD_NAME_MAX + 8];
	size_t n, len, params;
	struct modload_iter it;
	int rc;

	/* /proc/cmdline is at most 4096 bytes (COMMAND_LINE_SIZE on s390;
	 * x86 has 2048), and the callers read that much. */
	if (size < 1 || size > 4097)
		return 0;
	len = data[0] % 64 + 1;	/* 1..64: the caller's buffer */
	n = size - 1;
	/* Exactly the line and its NUL, exactly the buffer: ASan sees an
	 * access one byte past either. */
	line = malloc(n + 1);
	buf = malloc(len);
	if (!line || !buf)
		abort();
	memcpy(line, data + 1, n);
	line[n] = '\0';
	n = strlen(line);

	/* The tokenizer: inside the line, in order, never empty. */
	for (p = line; (end = cmdline_next(p, &start)) != NULL; p = end) {
		if (start < p || end <= start || end > line + n)
			abort();
		if (*start == ' ' || *start == '\t' || *start == '\n')
			abort();
	}
	if (*p && strspn(p, " \t\n") != strlen(p))
		abort();

	/* Lookups: the value fits, is terminated, and comes from the line. */
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		memset(buf, 0x55, len);
		if (cmdline_get(line, keys[k], buf, len) == 0) {
			size_t v = strnlen(buf, len);

			if (v >= len)
				abort();
			check_inside(line, n, buf, v);
		}
	}
	/* A key the input chooses: its first parameter's name. */
	if ((end = cmdline_next(line, &start)) != NULL) {
		char key[64];
		size_t k = strcspn(start, "=");

		if (k > (size_t)(end - start))
			k = (size_t)(end - start);
		if (k < sizeof(key)) {
			memcpy(key, start, k);
			key[k] = '\0';
			if (cmdline_get(line, key, buf, len) == 0 && strnlen(buf, len) >= len)
				abort();
		}
	}

	/* Module parameters: fit the buffer, bytes of the line, no blank at
	 * either end. The length returned is the string's. */
	for (size_t m = 0; m < sizeof(mods) / sizeof(mods[0]); m++) {
		memset(buf, 0x55, len);
		params = modload_params(line, mods[m], buf, len);
		if (params >= len || strnlen(buf, len) != params)
			abort();
		if (params && buf[0] == ' ')
			abort();
		for (const char *s = buf, *e; *s; s = *e ? e + 1 : e) {
			e = strchr(s, ' ');
			if (!e)
				e = s + strlen(s);
			/* A quoted value may hold blanks: check the pieces. */
			check_inside(line, n, s, (size_t)(e - s));
		}
	}

	/* The same bytes as a module load list. */
	modload_iter_init(&it, (const char *)data + 1, size - 1);
	while ((rc = modload_next(&it, name, len < sizeof(name) ? len : sizeof(name), &err)) != 0) {
		size_t l;

		if (rc < 0)
			continue;
		l = strlen(name);
		if (l >= len || l < 4 || strchr(name, '/') || memcmp(name + l - 3, ".ko", 3) != 0)
			abort();
		modload_modname(name, buf, len);
		if (strnlen(buf, len) >= len || strchr(buf, '-') || strchr(buf, '.'))
			abort();
	}
	free(line);
	free(buf);
	return 0;
}
