/* VMCOREINFO through the s390 lowcore and os_info (core/lowcore.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/dumpbox.h"
#include "core/lowcore.h"

uint32_t s390_cksm(const unsigned char *p, size_t len)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < len; i += 4) {
		unsigned char w[4] = { 0 };

		memcpy(w, p + i, len - i < 4 ? len - i : 4);
		sum += get_be32(w);
		sum = (sum & 0xffffffffu) + (sum >> 32);
	}
	return (uint32_t)sum;
}

/* The text holds a line OSRELEASE=...: what every kernel writes first. */
static int has_release(const unsigned char *t, size_t len)
{
	static const char key[] = "OSRELEASE=";

	for (size_t i = 0; i + sizeof(key) - 1 <= len; i++)
		if ((i == 0 || t[i - 1] == '\n') && memcmp(t + i, key, sizeof(key) - 1) == 0)
			return 1;
	return 0;
}

int s390_vmcoreinfo_note(const unsigned char *buf, size_t len, const unsigned char **text,
			 size_t *text_len, struct err *e)
{
	uint32_t namesz, descsz, type;

	if (len < 24)
		return err_ret(e, EXIT_DAMAGED, "too short for a note header");
	namesz = get_be32(buf);
	descsz = get_be32(buf + 4);
	type = get_be32(buf + 8);
	if ((namesz != 11 && namesz != 10) || memcmp(buf + 12, "VMCOREINFO", 10) != 0 ||
	    (namesz == 11 && buf[22] != '\0') || type != 0)
		return err_ret(e, EXIT_DAMAGED, "no VMCOREINFO note there (name size %" PRIu32
			       ", type %" PRIu32 ")", namesz, type);
	if (descsz == 0 || descsz > LOWCORE_VMCOREINFO_MAX)
		return err_ret(e, EXIT_DAMAGED, "the note's size, %" PRIu32 " bytes, is not that "
			       "of a VMCOREINFO (1 to %u)", descsz, LOWCORE_VMCOREINFO_MAX);
	if (descsz > len - 24)
		return err_ret(e, EXIT_DAMAGED, "the note runs past what could be read");
	*text = buf + 24;
	*text_len = strnlen((const char *)buf + 24, descsz);
	if (!has_release(*text, *text_len))
		return err_ret(e, EXIT_DAMAGED, "the note has no OSRELEASE line");
	return 0;
}

/* The note at physical address addr, its text copied to *out. */
static int note_at(lowcore_read_fn *rd, const void *arg, uint64_t addr, char **out, struct err *e)
{
	unsigned char hdr[24], *buf;
	const unsigned char *text;
	size_t tlen, len;

	if (rd(arg, addr, hdr, sizeof(hdr)) < 0)
		return err_ret(e, EXIT_DAMAGED, "0x%" PRIx64 " is not in the dump", addr);
	/* The header alone first: its size is checked before it is read. */
	len = sizeof(hdr) + get_be32(hdr + 4);
	if (get_be32(hdr + 4) > LOWCORE_VMCOREINFO_MAX)
		return s390_vmcoreinfo_note(hdr, sizeof(hdr), &text, &tlen, e);
	buf = xmalloc(len);
	if (rd(arg, addr, buf, len) < 0) {
		free(buf);
		return err_ret(e, EXIT_DAMAGED, "the note at 0x%" PRIx64 " runs past the dump",
			       addr);
	}
	if (s390_vmcoreinfo_note(buf, len, &text, &tlen, e) < 0) {
		free(buf);
		return -1;
	}
	*out = xmalloc(tlen + 1);
	memcpy(*out, text, tlen);
	(*out)[tlen] = '\0';
	free(buf);
	return 0;
}

static int read_u64(lowcore_read_fn *rd, const void *arg, uint64_t addr, uint64_t *v)
{
	unsigned char b[8];

	if (rd(arg, addr, b, sizeof(b)) < 0)
		return -1;
	*v = get_be64(b);
	return 0;
}

/* os_info's VMCOREINFO entry: the page's magic and checksum, then the
 * entry's own checksum over what it points at. */
static int from_os_info(lowcore_read_fn *rd, const void *arg, char **out, char *how, size_t howlen,
			struct err *e)
{
	unsigned char *page, *data;
	uint64_t oi, addr, size;
	int rc = -1;

	if (read_u64(rd, arg, LOWCORE_OS_INFO, &oi) < 0 || oi == 0 || oi % OS_INFO_SIZE)
		return err_ret(e, EXIT_NOT_OURS, "no os_info (lowcore 0xe18)");
	page = xmalloc(OS_INFO_SIZE);
	if (rd(arg, oi, page, OS_INFO_SIZE) < 0 || get_be64(page) != OS_INFO_MAGIC) {
		free(page);
		return err_ret(e, EXIT_NOT_OURS, "no os_info at 0x%" PRIx64, oi);
	}
	if (s390_cksm(page + 12, OS_INFO_SIZE - 12) != get_be32(page + 8)) {
		free(page);
		return err_ret(e, EXIT_DAMAGED, "os_info at 0x%" PRIx64 ": bad checksum", oi);
	}
	addr = get_be64(page + 32);
	size = get_be64(page + 40);
	if (addr == 0 || size == 0 || size > 24 + LOWCORE_VMCOREINFO_MAX) {
		free(page);
		return err_ret(e, EXIT_NOT_OURS, "os_info at 0x%" PRIx64 " has no VMCOREINFO "
			       "entry", oi);
	}
	data = xmalloc((size_t)size);
	if (rd(arg, addr, data, (size_t)size) < 0)
		err_set(e, EXIT_DAMAGED, "os_info's VMCOREINFO at 0x%" PRIx64 " is not in the "
			"dump", addr);
	else if (s390_cksm(data, (size_t)size) != get_be32(page + 48))
		err_set(e, EXIT_DAMAGED, "os_info's VMCOREINFO at 0x%" PRIx64 ": bad checksum",
			addr);
	else if (note_at(rd, arg, addr, out, e) == 0)
		rc = 0;
	if (rc == 0)
		snprintf(how, howlen, "os_info (0x%" PRIx64 ", checksums good): note at 0x%" PRIx64,
			 oi, addr);
	free(data);
	free(page);
	return rc;
}

int s390_lowcore_vmcoreinfo(lowcore_read_fn *rd, const void *arg, char **text, char *how,
			    size_t howlen, struct err *e)
{
	struct err why;
	uint64_t ptr;

	if (read_u64(rd, arg, LOWCORE_VMCORE_INFO, &ptr) < 0)
		return err_ret(e, EXIT_NOT_OURS, "the lowcore is not in the dump");
	if (ptr && note_at(rd, arg, ptr, text, &why) == 0) {
		snprintf(how, howlen, "the lowcore (0xe0c): note at 0x%" PRIx64, ptr);
		return 0;
	}
	if (from_os_info(rd, arg, text, how, howlen, e) == 0)
		return 0;
	if (ptr)
		return err_ret(e, why.status, "the lowcore's vmcore_info 0x%" PRIx64 ": %s", ptr,
			       why.msg);
	why = *e;
	return err_ret(e, EXIT_NOT_OURS, "the lowcore's vmcore_info (0xe0c) is 0, and %s",
		       why.msg);
}
