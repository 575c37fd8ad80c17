/* Records as field tables (base/fields.h). */
#include <string.h>

#include "base/bytes.h"
#include "base/fields.h"

void fields_encode(uint8_t *rec, const struct field *f, size_t n, const void *obj)
{
	const uint8_t *o = obj;

	for (size_t i = 0; i < n; i++, f++) {
		const void *m = o + f->member;
		uint32_t v32;
		uint64_t v64;
		size_t len;

		switch (f->kind) {
		case FIELD_LE32:
			memcpy(&v32, m, 4);
			put_le32(rec + f->at, v32);
			break;
		case FIELD_LE64:
			memcpy(&v64, m, 8);
			put_le64(rec + f->at, v64);
			break;
		case FIELD_STR:
			len = strnlen(m, f->size < f->width ? f->size : (size_t)f->width - 1);
			memcpy(rec + f->at, m, len);
			memset(rec + f->at + len, 0, f->width - len);
			break;
		case FIELD_BYTES:
			memcpy(rec + f->at, m, f->width);
			break;
		}
	}
}

void fields_decode(void *obj, const struct field *f, size_t n, const uint8_t *rec)
{
	uint8_t *o = obj;

	for (size_t i = 0; i < n; i++, f++) {
		uint8_t *m = o + f->member;
		uint32_t v32;
		uint64_t v64;
		size_t len;

		switch (f->kind) {
		case FIELD_LE32:
			v32 = get_le32(rec + f->at);
			memcpy(m, &v32, 4);
			break;
		case FIELD_LE64:
			v64 = get_le64(rec + f->at);
			memcpy(m, &v64, 8);
			break;
		case FIELD_STR:
			len = strnlen((const char *)rec + f->at, f->width);
			if (len >= f->size)
				len = f->size - 1u;
			memcpy(m, rec + f->at, len);
			memset(m + len, 0, f->size - len);
			for (size_t k = 0; k < len; k++)
				if (m[k] < 0x20 || m[k] == 0x7f)
					m[k] = '?';
			break;
		case FIELD_BYTES:
			memcpy(m, rec + f->at, f->width);
			break;
		}
	}
}

int fields_check(const struct field *f, size_t n, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		const struct field *a = &f[i];

		if (!a->width || a->at + a->width > len)
			return -1;
		if ((a->kind == FIELD_LE32 && (a->width != 4 || a->size != 4)) ||
		    (a->kind == FIELD_LE64 && (a->width != 8 || a->size != 8)) ||
		    (a->kind == FIELD_STR && a->size < 2) ||
		    (a->kind == FIELD_BYTES && a->size != a->width))
			return -1;
		for (size_t k = 0; k < i; k++)
			if (a->at < f[k].at + f[k].width && f[k].at < a->at + a->width)
				return -1;
	}
	return 0;
}
