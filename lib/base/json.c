#include <inttypes.h>
#include <string.h>

#include "base/dumpbox.h"
#include "base/json.h"

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void put_string(struct json *j, const char *s, size_t len)
{
	fputc('"', j->f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':  fputs("\\\"", j->f); break;
		case '\\': fputs("\\\\", j->f); break;
		case '\n': fputs("\\n", j->f); break;
		case '\t': fputs("\\t", j->f); break;
		case '\r': fputs("\\r", j->f); break;
		default:
			/* Control bytes and bytes that are not ASCII are
			 * escaped: strings from a dump need not be UTF-8. */
			if (c < 0x20 || c >= 0x7f)
				fprintf(j->f, "\\u%04x", c);
			else
				fputc(c, j->f);
		}
	}
	fputc('"', j->f);
}

/* Separator and key before a value. */
static void member(struct json *j, const char *key)
{
	if (j->count[j->depth]++)
		fputc(',', j->f);
	if (key) {
		put_string(j, key, strlen(key));
		fputc(':', j->f);
	}
}

static void open_(struct json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		die(EXIT_DAMAGED, "internal error: JSON nested too deeply");
	j->depth++;
	j->count[j->depth] = 0;
	j->close[j->depth] = c == '{' ? '}' : ']';
}

void json_object(struct json *j, const char *key)
{
	open_(j, key, '{');
}

void json_array(struct json *j, const char *key)
{
	open_(j, key, '[');
}

void json_end(struct json *j)
{
	if (j->depth == 0)
		die(EXIT_DAMAGED, "internal error: JSON closed more than opened");
	fputc(j->close[j->depth--], j->f);
}

void json_strn(struct json *j, const char *key, const char *val, size_t len)
{
	member(j, key);
	put_string(j, val, len);
}

void json_str(struct json *j, const char *key, const char *val)
{
	if (!val) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, val, strlen(val));
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void json_i64(struct json *j, const char *key, int64_t val)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, val);
}

void json_bool(struct json *j, const char *key, int val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void json_finish(struct json *j)
{
	while (j->depth > 0)
		json_end(j);
	fputc('\n', j->f);
}
