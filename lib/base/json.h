/* A small JSON writer for --json output: well-formed (commas, escapes)
 * by construction, streaming, no allocation. Keys are printed in the
 * order the caller emits them; docs/JSON.md lists each applet's schema. */
#ifndef DUMPBOX_JSON_H
#define DUMPBOX_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	int count[JSON_MAX_DEPTH];	/* members written at each level */
	char close[JSON_MAX_DEPTH];	/* the bracket that ends each level */
};

void json_init(struct json *j, FILE *f);
/* key may be NULL inside arrays and at the top level. */
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_end(struct json *j);		/* closes the innermost object/array */
void json_str(struct json *j, const char *key, const char *val);	/* NULL: null */
void json_strn(struct json *j, const char *key, const char *val, size_t len);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_i64(struct json *j, const char *key, int64_t val);
void json_bool(struct json *j, const char *key, int val);
void json_null(struct json *j, const char *key);
/* Ends the document with a newline. */
void json_finish(struct json *j);

#endif
