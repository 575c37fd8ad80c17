#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "sys/cmdline.h"
#include "sys/modload.h"

void modload_iter_init(struct modload_iter *it, const char *text, size_t len)
{
	it->text = text;
	it->len = len;
	it->pos = 0;
	it->line = 0;
}

int modload_next(struct modload_iter *it, char *name, size_t namelen, struct err *err)
{
	while (it->pos < it->len) {
		const char *l = it->text + it->pos;
		const char *nl = memchr(l, '\n', it->len - it->pos);
		size_t n = nl ? (size_t)(nl - l) : it->len - it->pos;
		size_t b = 0, e = n;

		it->pos += n + (nl != NULL);
		it->line++;
		while (b < e && (l[b] == ' ' || l[b] == '\t'))
			b++;
		while (e > b && (l[e - 1] == ' ' || l[e - 1] == '\t' || l[e - 1] == '\r'))
			e--;
		if (b == e || l[b] == '#')
			continue;
		l += b;
		n = e - b;
		if (n >= namelen || n >= MODLOAD_NAME_MAX) {
			return err_ret(err, EXIT_DAMAGED, "line %u: name longer than %zu bytes", it->line,
				 (namelen < MODLOAD_NAME_MAX ? namelen : MODLOAD_NAME_MAX) - 1);
		}
		/* A plain file name: the list cannot point outside its
		 * directory, and a blank inside is a damaged line. */
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)l[i];

			if (c == '/' || c <= ' ' || c >= 0x7f) {
				return err_ret(err, EXIT_DAMAGED, "line %u: '%.*s' is not a module file name",
					 it->line, (int)(n > 64 ? 64 : n), l);
			}
		}
		if (n < 4 || memcmp(l + n - 3, ".ko", 3) != 0 || l[0] == '.') {
			return err_ret(err, EXIT_DAMAGED, "line %u: '%.*s' is not a .ko file", it->line,
				 (int)(n > 64 ? 64 : n), l);
		}
		memcpy(name, l, n);
		name[n] = '\0';
		return 1;
	}
	return 0;
}

void modload_modname(const char *file, char *name, size_t len)
{
	const char *base = strrchr(file, '/');
	size_t n, i;

	if (!len)
		return;
	base = base ? base + 1 : file;
	n = strcspn(base, ".");
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		name[i] = (char)(base[i] == '-' ? '_' : base[i]);
	name[n] = '\0';
}

/* Module names compare with '-' and '_' alike. */
static int same_mod(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen && b[i]; i++) {
		char x = (char)(a[i] == '-' ? '_' : a[i]), y = (char)(b[i] == '-' ? '_' : b[i]);

		if (x != y)
			return 0;
	}
	return i == alen && b[i] == '\0';
}

size_t modload_params(const char *p, const char *mod, char *buf, size_t len)
{
	const char *start, *end;
	size_t out = 0;

	if (len)
		buf[0] = '\0';
	while ((end = cmdline_next(p, &start)) != NULL) {
		const char *dot = memchr(start, '.', (size_t)(end - start));
		const char *eq = memchr(start, '=', (size_t)(end - start));
		size_t n;

		p = end;
		/* "a=b.c" has no module prefix. */
		if (eq && dot && eq < dot)
			dot = start;
		if (!dot || dot == start || dot + 1 == p || !same_mod(start, (size_t)(dot - start), mod))
			continue;
		n = (size_t)(p - (dot + 1));
		if (out + (out > 0) + n + 1 > len)
			break;
		if (out > 0)
			buf[out++] = ' ';
		memcpy(buf + out, dot + 1, n);
		out += n;
		buf[out] = '\0';
	}
	return out;
}
