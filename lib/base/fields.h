/* On-disk records as tables: one line per field (where it is in the
 * record, how wide, which member of the struct it is), one encoder and
 * one decoder for every record. Little-endian, as all our own records.
 * A record's layout is then written once, beside its documentation. */
#ifndef DUMPBOX_FIELDS_H
#define DUMPBOX_FIELDS_H

#include <stddef.h>
#include <stdint.h>

enum field_kind {
	FIELD_LE32,	/* a uint32_t member */
	FIELD_LE64,	/* a uint64_t member */
	FIELD_STR,	/* a char array: NUL-padded on disk, the last byte NUL */
	FIELD_BYTES,	/* a uint8_t array of the field's width, as it is */
};

struct field {
	uint16_t at;		/* byte offset in the record */
	uint16_t width;		/* bytes in the record */
	uint16_t member;	/* offsetof the struct member */
	uint16_t size;		/* sizeof the struct member */
	uint8_t kind;
};

#define FIELD_MEMBER_SIZE(type, m) sizeof(((type *)0)->m)
#define FIELD_U32(at, type, m) { at, 4, offsetof(type, m), FIELD_MEMBER_SIZE(type, m), FIELD_LE32 }
#define FIELD_U64(at, type, m) { at, 8, offsetof(type, m), FIELD_MEMBER_SIZE(type, m), FIELD_LE64 }
#define FIELD_STR(at, width, type, m) \
	{ at, width, offsetof(type, m), FIELD_MEMBER_SIZE(type, m), FIELD_STR }
#define FIELD_BYTES(at, width, type, m) \
	{ at, width, offsetof(type, m), FIELD_MEMBER_SIZE(type, m), FIELD_BYTES }

/* Write obj's fields into rec; bytes no field covers are left as they
 * are. A string longer than its field is cut, keeping the final NUL. */
void fields_encode(uint8_t *rec, const struct field *f, size_t n, const void *obj);
/* Read rec's fields into obj. Strings end at their first NUL (or the
 * field's end) and control characters become '?': they come from a disk
 * that may be damaged, and are printed and put in JSON. */
void fields_decode(void *obj, const struct field *f, size_t n, const uint8_t *rec);
/* Is the table sound: every field inside a record of len bytes, no two
 * overlapping, each integer member of its width, each string member
 * wider than its field leaves room for the NUL? For the unit tests. */
int fields_check(const struct field *f, size_t n, size_t len);

#endif
