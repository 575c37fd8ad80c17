/* The kernel log of a vmcore. Layouts come from VMCOREINFO only (no
 * vmlinux): every size and offset is looked up, bounded, and every value
 * read from the dump is checked before it steers a read. The rings are
 * walked record by record through a small cache of memory blocks, so the
 * cost is the pages of the log, not the size of the dump. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dumpbox.h"
#include "base/err.h"
#include "core/printk.h"
#include "core/vaddr.h"
#include "core/vmcore.h"

/* ---- a few blocks of the crashed machine's memory --------------------- */

/* The walks read three streams (descriptors, infos, text) that each move
 * forward: a handful of blocks is enough to read every byte once. */
#define CACHE_BLOCK	16384u
#define CACHE_SLOTS	8

struct memcache {
	const struct vmcore *vc;
	unsigned char *data;
	uint64_t tag[CACHE_SLOTS];
	unsigned long used[CACHE_SLOTS];	/* LRU stamp, 0 = empty */
	unsigned long clock;
};

static void mc_init(struct memcache *mc, const struct vmcore *vc)
{
	memset(mc, 0, sizeof(*mc));
	mc->vc = vc;
	mc->data = xmalloc((size_t)CACHE_BLOCK * CACHE_SLOTS);
}

static void mc_free(struct memcache *mc)
{
	free(mc->data);
	mc->data = NULL;
}

/* Copy len bytes at virtual address addr. A block that cannot be read
 * whole (it crosses the end of a segment) is read for this request only. */
static int mc_read(struct memcache *mc, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;

	if (addr + len < addr) {
		errno = ERANGE;
		return -1;
	}
	while (len) {
		uint64_t block = addr - addr % CACHE_BLOCK;
		size_t in = (size_t)(addr - block);
		size_t chunk = CACHE_BLOCK - in < len ? CACHE_BLOCK - in : len;
		int slot = -1, victim = 0;

		for (int i = 0; i < CACHE_SLOTS; i++) {
			if (mc->used[i] && mc->tag[i] == block) {
				slot = i;
				break;
			}
			if (mc->used[i] < mc->used[victim])
				victim = i;
		}
		if (slot < 0) {
			unsigned char *d = mc->data + (size_t)victim * CACHE_BLOCK;

			if (vmcore_read_virt(mc->vc, block, d, CACHE_BLOCK) < 0) {
				mc->used[victim] = 0;
				if (vmcore_read_virt(mc->vc, addr, out, chunk) < 0)
					return -1;
				goto next;
			}
			slot = victim;
			mc->tag[slot] = block;
		}
		mc->used[slot] = ++mc->clock;
		memcpy(out, mc->data + (size_t)slot * CACHE_BLOCK + in, chunk);
next:
		out += chunk;
		addr += chunk;
		len -= chunk;
	}
	return 0;
}

/* ---- errors and VMCOREINFO keys ---------------------------------------- */

struct walk {
	const struct vmcore *vc;
	struct memcache mc;
	printk_emit_fn emit;
	void *arg;
	struct err *err;
	const char *missing;	/* the first VMCOREINFO key not found */
	char missing_buf[96];
	char *text;		/* one record's text */
	size_t textcap;
};

#define fail(w, ...) err_ret((w)->err, EXIT_DAMAGED, __VA_ARGS__)

/* A layout value from VMCOREINFO: sizes and offsets of the printk
 * structures are small, so anything large is damage, not a layout. */
#define MAX_LAYOUT	65536u

static uint64_t need(struct walk *w, const char *kind, const char *name)
{
	uint64_t v = 0;
	int rc;

	if (!strcmp(kind, "SYMBOL"))
		rc = vmcoreinfo_symbol(w->vc, name, &v);
	else if (!strcmp(kind, "SIZE"))
		rc = vmcoreinfo_size(w->vc, name, &v);
	else
		rc = vmcoreinfo_offset(w->vc, name, &v);
	if (rc < 0 || (strcmp(kind, "SYMBOL") != 0 && v > MAX_LAYOUT)) {
		if (!w->missing) {
			snprintf(w->missing_buf, sizeof(w->missing_buf), "%s(%s)%s", kind, name,
				 rc < 0 ? "" : " (absurd value)");
			w->missing = w->missing_buf;
		}
		return 0;
	}
	return v;
}

static int missing(struct walk *w, const char *what)
{
	return fail(w, "cannot read the %s: VMCOREINFO lacks %s", what, w->missing);
}

static int read_ulong(struct walk *w, uint64_t addr, uint64_t *out, const char *what)
{
	unsigned char b[8];

	if (mc_read(&w->mc, addr, b, vmcore_ulong_size(w->vc)) < 0)
		return fail(w, "cannot read %s at 0x%" PRIx64 ": %s", what, addr,
			    errno == ERANGE ? "not in the dump" : strerror(errno));
	*out = vmcore_ulong(w->vc, b);
	return 0;
}

static int read_u32(struct walk *w, uint64_t addr, uint32_t *out, const char *what)
{
	unsigned char b[4];

	if (mc_read(&w->mc, addr, b, 4) < 0)
		return fail(w, "cannot read %s at 0x%" PRIx64 ": %s", what, addr,
			    errno == ERANGE ? "not in the dump" : strerror(errno));
	*out = vmcore_u32(w->vc, b);
	return 0;
}

static int read_bytes(struct walk *w, uint64_t addr, void *buf, size_t len, const char *what)
{
	if (mc_read(&w->mc, addr, buf, len) < 0)
		return fail(w, "cannot read %s at 0x%" PRIx64 " (%zu bytes): %s", what, addr,
			    len, errno == ERANGE ? "not in the dump" : strerror(errno));
	return 0;
}

enum printk_kind printk_kind(const struct vmcore *vc)
{
	uint64_t v;

	if (vmcoreinfo_symbol(vc, "prb", &v) == 0)
		return PRINTK_LOCKLESS;
	if (vmcoreinfo_symbol(vc, "log_first_idx", &v) == 0)
		return PRINTK_STRUCTURED;
	if (vmcoreinfo_symbol(vc, "log_end", &v) == 0)
		return PRINTK_LEGACY;
	return PRINTK_NONE;
}

const char *printk_kind_name(enum printk_kind kind)
{
	switch (kind) {
	case PRINTK_LOCKLESS:	return "lockless printk ring";
	case PRINTK_STRUCTURED:	return "structured printk log";
	case PRINTK_LEGACY:	return "legacy printk ring";
	default:		return "none";
	}
}

/* ---- lockless ring (Linux 5.10+, kernel/printk/printk_ringbuffer.c) ---- */

/* The kernel's bounds (CONFIG_LOG_BUF_SHIFT <= 25, log_buf_len= < 2 GiB,
 * 32 bytes a record on average) with some room to spare. */
#define MAX_COUNT_BITS	28
#define MAX_SIZE_BITS	32

enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

int printk_blk_text(uint64_t begin, uint64_t next, uint64_t size, unsigned idsize,
		    uint64_t *off, uint64_t *len)
{
	if (!size)
		return -1;
	begin %= size;
	next %= size;
	if (begin == next)
		return 0;
	/* A block that wraps has its data at the start of the ring. */
	if (begin > next)
		begin = 0;
	if (next - begin < idsize)
		return -1;
	*off = begin + idsize;
	*len = next - *off;
	return 1;
}

static int walk_lockless(struct walk *w)
{
	const struct vmcore *vc = w->vc;
	unsigned ulong_bits = (unsigned)vmcore_ulong_size(vc) * 8;
	uint64_t sym = need(w, "SYMBOL", "prb");
	uint64_t o_desc_ring = need(w, "OFFSET", "printk_ringbuffer.desc_ring");
	uint64_t o_text_ring = need(w, "OFFSET", "printk_ringbuffer.text_data_ring");
	uint64_t o_count_bits = need(w, "OFFSET", "prb_desc_ring.count_bits");
	uint64_t o_descs = need(w, "OFFSET", "prb_desc_ring.descs");
	uint64_t o_infos = need(w, "OFFSET", "prb_desc_ring.infos");
	uint64_t o_head = need(w, "OFFSET", "prb_desc_ring.head_id");
	uint64_t o_tail = need(w, "OFFSET", "prb_desc_ring.tail_id");
	uint64_t sz_desc = need(w, "SIZE", "prb_desc");
	uint64_t o_state = need(w, "OFFSET", "prb_desc.state_var");
	uint64_t o_lpos = need(w, "OFFSET", "prb_desc.text_blk_lpos");
	uint64_t o_begin = need(w, "OFFSET", "prb_data_blk_lpos.begin");
	uint64_t o_next = need(w, "OFFSET", "prb_data_blk_lpos.next");
	uint64_t sz_info = need(w, "SIZE", "printk_info");
	uint64_t o_ts = need(w, "OFFSET", "printk_info.ts_nsec");
	uint64_t o_text_len = need(w, "OFFSET", "printk_info.text_len");
	uint64_t o_size_bits = need(w, "OFFSET", "prb_data_ring.size_bits");
	uint64_t o_data = need(w, "OFFSET", "prb_data_ring.data");
	uint64_t o_counter = 0, prb, descs, infos, data, head, tail, count, size, idmask, n;
	uint32_t count_bits, size_bits;

	if (w->missing)
		return missing(w, "lockless printk ring");
	/* atomic_long_t is a struct of one counter: older VMCOREINFO may not
	 * say where it is, and it is at 0 everywhere. */
	if (vmcoreinfo_offset(vc, "atomic_long_t.counter", &o_counter) < 0 || o_counter > MAX_LAYOUT)
		o_counter = 0;

	/* Distinct descriptors and infos, each holding its members: else a
	 * damaged VMCOREINFO could make every id read the same bytes. */
	if (sz_desc < o_state + o_counter + ulong_bits / 8 ||
	    sz_desc < o_lpos + o_begin + ulong_bits / 8 || sz_desc < o_lpos + o_next + ulong_bits / 8)
		return fail(w, "SIZE(prb_desc)=%" PRIu64 " is smaller than its members", sz_desc);
	if (sz_info < o_ts + 8 || sz_info < o_text_len + 2)
		return fail(w, "SIZE(printk_info)=%" PRIu64 " is smaller than its members", sz_info);
	if (read_ulong(w, sym, &prb, "prb") < 0 ||
	    read_u32(w, prb + o_desc_ring + o_count_bits, &count_bits, "prb_desc_ring.count_bits") < 0 ||
	    read_ulong(w, prb + o_desc_ring + o_descs, &descs, "prb_desc_ring.descs") < 0 ||
	    read_ulong(w, prb + o_desc_ring + o_infos, &infos, "prb_desc_ring.infos") < 0 ||
	    read_ulong(w, prb + o_desc_ring + o_head + o_counter, &head, "prb_desc_ring.head_id") < 0 ||
	    read_ulong(w, prb + o_desc_ring + o_tail + o_counter, &tail, "prb_desc_ring.tail_id") < 0 ||
	    read_u32(w, prb + o_text_ring + o_size_bits, &size_bits, "prb_data_ring.size_bits") < 0 ||
	    read_ulong(w, prb + o_text_ring + o_data, &data, "prb_data_ring.data") < 0)
		return -1;
	if (count_bits > MAX_COUNT_BITS || count_bits > ulong_bits - 2)
		return fail(w, "printk ring damaged: %" PRIu32 " descriptor bits", count_bits);
	if (size_bits > MAX_SIZE_BITS || size_bits >= ulong_bits)
		return fail(w, "printk ring damaged: %" PRIu32 " text ring bits", size_bits);
	count = (uint64_t)1 << count_bits;
	size = (uint64_t)1 << size_bits;
	/* The top two bits of an id-sized word are the descriptor state. */
	idmask = ((uint64_t)1 << (ulong_bits - 2)) - 1;
	head &= idmask;
	tail &= idmask;
	/* The ring never holds more than count descriptors; a wider span is
	 * a damaged tail, and walking it would read garbage for ages. */
	n = ((head - tail) & idmask) + 1;
	if (n > count)
		n = count;

	for (uint64_t id = (head - (n - 1)) & idmask, i = 0; i < n; i++, id = (id + 1) & idmask) {
		uint64_t desc = descs + (id % count) * sz_desc;
		uint64_t info = infos + (id % count) * sz_info;
		uint64_t state, begin, next, off, avail, ts;
		unsigned char b16[2], b64[8];
		size_t len;
		int rc;

		if (read_ulong(w, desc + o_state + o_counter, &state, "a descriptor") < 0 ||
		    read_ulong(w, desc + o_lpos + o_begin, &begin, "a descriptor") < 0 ||
		    read_ulong(w, desc + o_lpos + o_next, &next, "a descriptor") < 0)
			return -1;
		if ((state & idmask) != id)
			continue;	/* reused or never written */
		state >>= ulong_bits - 2;
		if (state != DESC_COMMITTED && state != DESC_FINALIZED)
			continue;	/* being written, or free */
		if (printk_blk_text(begin, next, size, ulong_bits / 8, &off, &avail) <= 0)
			continue;	/* no text, or positions no writer makes */
		if (read_bytes(w, info + o_text_len, b16, 2, "a record's info") < 0 ||
		    read_bytes(w, info + o_ts, b64, 8, "a record's info") < 0)
			return -1;
		len = vmcore_u16(vc, b16);
		ts = vmcore_u64(vc, b64);
		if (len > avail)
			len = (size_t)avail;	/* truncated record */
		if (read_bytes(w, data + off, w->text, len, "a record's text") < 0)
			return -1;
		rc = w->emit(w->arg, &(struct printk_record){ .ts_nsec = ts, .text = w->text, .len = len });
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- structured log (Linux 3.5-5.9) ----------------------------------- */

static int walk_structured(struct walk *w)
{
	const struct vmcore *vc = w->vc;
	/* 3.5-3.10 called the record struct "log", later "printk_log". */
	uint64_t dummy;
	const char *t = vmcoreinfo_size(vc, "printk_log", &dummy) < 0 &&
			vmcoreinfo_size(vc, "log", &dummy) == 0 ? "log" : "printk_log";
	char k_ts[32], k_len[32], k_text_len[32];
	uint64_t s_buf = need(w, "SYMBOL", "log_buf");
	uint64_t s_len = need(w, "SYMBOL", "log_buf_len");
	uint64_t s_first = need(w, "SYMBOL", "log_first_idx");
	uint64_t s_next = need(w, "SYMBOL", "log_next_idx");
	uint64_t hdr = need(w, "SIZE", t), o_ts, o_len, o_text_len, buf, records = 0;
	uint32_t buflen, first, next, idx;
	int wrapped;

	snprintf(k_ts, sizeof(k_ts), "%s.ts_nsec", t);
	snprintf(k_len, sizeof(k_len), "%s.len", t);
	snprintf(k_text_len, sizeof(k_text_len), "%s.text_len", t);
	o_ts = need(w, "OFFSET", k_ts);
	o_len = need(w, "OFFSET", k_len);
	o_text_len = need(w, "OFFSET", k_text_len);
	if (w->missing)
		return missing(w, "structured printk log");
	if (hdr < o_ts + 8 || hdr < o_len + 2 || hdr < o_text_len + 2)
		return fail(w, "SIZE(%s)=%" PRIu64 " is smaller than its members", t, hdr);
	if (read_ulong(w, s_buf, &buf, "log_buf") < 0 ||
	    read_u32(w, s_len, &buflen, "log_buf_len") < 0 ||
	    read_u32(w, s_first, &first, "log_first_idx") < 0 ||
	    read_u32(w, s_next, &next, "log_next_idx") < 0)
		return -1;
	/* log_buf_len is an int; an index must leave room for a header (the
	 * kernel wraps early so that a wrap marker always fits). */
	if (buflen > INT32_MAX || buflen < hdr)
		return fail(w, "printk log damaged: log_buf_len is %" PRIu32, buflen);
	if (first > buflen - hdr || next > buflen - hdr)
		return fail(w, "printk log damaged: indexes %" PRIu32 "..%" PRIu32
			    " outside log_buf (%" PRIu32 " bytes)", first, next, buflen);

	/* Records lie in [first, next), or when the buffer has wrapped in
	 * [first, wrap marker) and [0, next). A walk that wraps twice, wraps
	 * when it should not, or passes next is going round in a cycle. */
	wrapped = next < first ? 0 : -1;	/* -1: no wrap allowed */
	for (idx = first; idx != next;) {
		unsigned char h[8];
		uint32_t reclen, len;
		int rc;

		if (++records > buflen / hdr + 1 || (wrapped != 0 && idx > next))
			return fail(w, "printk log damaged: index %" PRIu32 " is past log_next_idx %"
				    PRIu32 " (a cycle)", idx, next);
		if (idx > buflen - hdr)
			return fail(w, "printk log damaged: index %" PRIu32 " outside log_buf", idx);
		if (read_bytes(w, buf + idx + o_len, h, 2, "a log record") < 0)
			return -1;
		reclen = vmcore_u16(vc, h);
		if (!reclen) {
			/* The end-of-buffer marker: this record is at 0. */
			if (wrapped != 0)
				return fail(w, "printk log damaged: unexpected end-of-buffer "
					    "marker at index %" PRIu32, idx);
			wrapped = 1;
			idx = 0;
			/* A marker right before the end: nothing at 0 yet. */
			if (next == 0)
				break;
			if (read_bytes(w, buf + o_len, h, 2, "a log record") < 0)
				return -1;
			reclen = vmcore_u16(vc, h);
		}
		if (reclen < hdr || reclen > buflen - idx)
			return fail(w, "printk log damaged: record at index %" PRIu32
				    " has length %" PRIu32, idx, reclen);
		if (read_bytes(w, buf + idx + o_text_len, h, 2, "a log record") < 0)
			return -1;
		len = vmcore_u16(vc, h);
		if (len > reclen - hdr)
			len = (uint32_t)(reclen - hdr);
		if (read_bytes(w, buf + idx + o_ts, h, 8, "a log record") < 0 ||
		    read_bytes(w, buf + idx + hdr, w->text, len, "a record's text") < 0)
			return -1;
		rc = w->emit(w->arg, &(struct printk_record){
			.ts_nsec = vmcore_u64(vc, h), .text = w->text, .len = len });
		if (rc)
			return rc;
		idx += reclen;
	}
	return 0;
}

/* ---- legacy character ring (before Linux 3.5) -------------------------- */

int printk_legacy_stamp(const char *text, size_t len, uint64_t *ts_nsec)
{
	size_t i = 0;
	uint64_t s = 0, us = 0;
	int digits = 0, frac = 0;

	if (len >= 3 && text[0] == '<') {
		for (i = 1; i < len && i < 8 && text[i] >= '0' && text[i] <= '9'; i++)
			;
		if (i == 1 || i >= len || text[i] != '>')
			return 0;
		i++;
	}
	if (i >= len || text[i++] != '[')
		return 0;
	while (i < len && text[i] == ' ')
		i++;
	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++)
		if (digits >= 12)
			return 0;
		else
			s = s * 10 + (uint64_t)(text[i] - '0');
	if (!digits || i >= len || text[i++] != '.')
		return 0;
	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, frac++)
		if (frac >= 9)
			return 0;
		else
			us = us * 10 + (uint64_t)(text[i] - '0');
	if (!frac || i >= len || text[i] != ']')
		return 0;
	for (; frac < 9; frac++)
		us *= 10;
	*ts_nsec = s * 1000000000u + us;
	return 1;
}

/* OSRELEASE "A.B.C..." as A << 32 | B << 16 | C, or 0 if it does not
 * start that way. The string comes from the dump: strtoul, which reports
 * overflow, rather than sscanf's %u, which does not. */
static uint64_t release_code(const char *rel)
{
	uint64_t code = 0;

	for (int i = 0; i < 3; i++) {
		unsigned long n;
		char *end;

		if (*rel < '0' || *rel > '9')
			return 0;
		errno = 0;
		n = strtoul(rel, &end, 10);
		if (errno || n > 0xffff || (i < 2 && *end != '.'))
			return 0;
		code = code << 16 | n;
		rel = end + (i < 2);
	}
	return code;
}

static int walk_legacy(struct walk *w)
{
	const struct vmcore *vc = w->vc;
	uint64_t s_buf = need(w, "SYMBOL", "log_buf");
	uint64_t s_len = need(w, "SYMBOL", "log_buf_len");
	uint64_t s_end = need(w, "SYMBOL", "log_end");
	uint64_t buf, end, start, total, done = 0, ts = 0;
	uint32_t buflen;
	size_t fill = 0, pos = 0;
	int line_start = 1;
	char rel[64];
	uint64_t release;

	if (w->missing)
		return missing(w, "legacy printk ring");
	if (read_ulong(w, s_buf, &buf, "log_buf") < 0 ||
	    read_u32(w, s_len, &buflen, "log_buf_len") < 0)
		return -1;
	/* log_end was an unsigned long until 2.6.25, then an unsigned. */
	if (vmcoreinfo_get(vc, "OSRELEASE", rel, sizeof(rel)) == 0 &&
	    (release = release_code(rel)) != 0 && release < ((uint64_t)2 << 32 | 6 << 16 | 25)) {
		if (read_ulong(w, s_end, &end, "log_end") < 0)
			return -1;
	} else {
		uint32_t e;

		if (read_u32(w, s_end, &e, "log_end") < 0)
			return -1;
		end = e;
	}
	if (!buflen || buflen > INT32_MAX)
		return fail(w, "printk log damaged: log_buf_len is %" PRIu32, buflen);
	/* Before it first fills, the ring is [0, log_end); then the oldest
	 * byte is the one log_end is about to overwrite. */
	start = end < buflen ? 0 : end % buflen;
	total = end < buflen ? end : buflen;

	/* Cut into lines (pieces of w->textcap for endless ones) so that
	 * --since and --tail see lines; the bytes go out as they are. */
	while (done < total || pos < fill) {
		char *nl = memchr(w->text + pos, '\n', fill - pos);
		size_t cut;
		int rc;

		if (!nl && done < total && fill - pos < w->textcap) {
			uint64_t at = (start + done) % buflen, run = buflen - at;
			size_t want;

			memmove(w->text, w->text + pos, fill - pos);
			fill -= pos;
			pos = 0;
			want = w->textcap - fill;
			if (want > total - done)
				want = (size_t)(total - done);
			if (want > run)
				want = (size_t)run;
			if (read_bytes(w, buf + at, w->text + fill, want, "log_buf") < 0)
				return -1;
			fill += want;
			done += want;
			continue;
		}
		cut = nl ? (size_t)(nl - (w->text + pos)) + 1 : fill - pos;
		if (line_start)
			printk_legacy_stamp(w->text + pos, cut, &ts);
		line_start = nl != NULL;
		rc = w->emit(w->arg, &(struct printk_record){
			.ts_nsec = ts, .text = w->text + pos, .len = cut, .raw = 1 });
		if (rc)
			return rc;
		pos += cut;
	}
	return 0;
}

int printk_log(const struct vmcore *vc, printk_emit_fn emit, void *arg,
	       struct err *err)
{
	struct walk w = {
		.vc = vc, .emit = emit, .arg = arg, .err = err,
		.textcap = 65536,	/* text_len is a u16 */
	};
	enum printk_kind kind = printk_kind(vc);
	int rc;

	err->status = EXIT_OK;
	err->msg[0] = '\0';
	if (!vc->vmcoreinfo)
		return fail(&w, "no VMCOREINFO in this dump: cannot find the kernel log");
	if (kind == PRINTK_NONE)
		return fail(&w, "VMCOREINFO has none of SYMBOL(prb), SYMBOL(log_first_idx), "
			    "SYMBOL(log_end): cannot find the kernel log");
	mc_init(&w.mc, vc);
	w.text = xmalloc(w.textcap);
	if (kind == PRINTK_LOCKLESS)
		rc = walk_lockless(&w);
	else if (kind == PRINTK_STRUCTURED)
		rc = walk_structured(&w);
	else
		rc = walk_legacy(&w);
	free(w.text);
	mc_free(&w.mc);
	return rc;
}

/* ---- formatting -------------------------------------------------------- */

size_t printk_prefix(uint64_t ts_nsec, char *buf, size_t size)
{
	int n = snprintf(buf, size, "[%5" PRIu64 ".%06" PRIu64 "] ",
			 ts_nsec / 1000000000u, ts_nsec % 1000000000u / 1000u);

	if (n < 0)
		n = 0;
	return (size_t)n < size ? (size_t)n : (size ? size - 1 : 0);
}

size_t printk_escape(unsigned char c, char out[4])
{
	static const char hex[] = "0123456789abcdef";

	/* isprint() || isspace() in the C locale, whatever ours is. */
	if ((c >= 0x20 && c < 0x7f) || (c >= '\t' && c <= '\r')) {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	return 4;
}

/* Output bytes, counted in lines; lines up to w->skip are dropped. */
static int put(struct printk_writer *w, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t seg = nl ? (size_t)(nl - s) + 1 : n;

		if (!w->mid_line)
			w->lines++;
		if (w->out && w->lines > w->skip && fwrite(s, 1, seg, w->out) != seg)
			return -1;
		w->mid_line = !nl;
		s += seg;
		n -= seg;
	}
	return 0;
}

int printk_write(struct printk_writer *w, const struct printk_record *rec)
{
	char chunk[4096], prefix[32];
	size_t plen, fill = 0;

	if (rec->raw)
		return put(w, rec->text, rec->len);
	/* A record starts a line, even after an unfinished raw one. */
	if (w->mid_line && put(w, "\n", 1) < 0)
		return -1;
	plen = printk_prefix(rec->ts_nsec, prefix, sizeof(prefix));
	memcpy(chunk, prefix, plen);
	fill = plen;
	for (size_t i = 0; i < rec->len; i++) {
		unsigned char c = (unsigned char)rec->text[i];

		/* Room for the longest expansion: '\n' and an indent. */
		if (fill > sizeof(chunk) - sizeof(prefix) - 1) {
			if (put(w, chunk, fill) < 0)
				return -1;
			fill = 0;
		}
		if (c == '\n') {
			chunk[fill++] = '\n';
			memset(chunk + fill, ' ', plen);
			fill += plen;
		} else {
			fill += printk_escape(c, chunk + fill);
		}
	}
	chunk[fill++] = '\n';
	return put(w, chunk, fill);
}

size_t printk_format_line(const struct printk_record *rec, char *buf, size_t size)
{
	size_t n = 0;

	if (!size)
		return 0;
	if (!rec->raw)
		n = printk_prefix(rec->ts_nsec, buf, size);
	for (size_t i = 0; i < rec->len && rec->text[i] != '\n'; i++) {
		char e[4];
		size_t k = printk_escape((unsigned char)rec->text[i], e);

		if (n + k >= size)
			break;
		memcpy(buf + n, e, k);
		n += k;
	}
	buf[n] = '\0';
	return n;
}

int printk_parse_seconds(const char *s, uint64_t *nsec)
{
	uint64_t sec = 0, frac = 0;
	int digits = 0, fdigits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (sec > UINT64_MAX / 1000000000u)
			return -1;
		sec = sec * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, fdigits++) {
			if (fdigits < 9)
				frac = frac * 10 + (uint64_t)(*s - '0');
		}
	}
	if (*s || (!digits && !fdigits))
		return -1;
	for (int i = fdigits; i < 9; i++)
		frac *= 10;
	if (sec > UINT64_MAX / 1000000000u || sec * 1000000000u > UINT64_MAX - frac)
		return -1;
	*nsec = sec * 1000000000u + frac;
	return 0;
}

/* ---- the panic message ------------------------------------------------- */

static int starts(const char *text, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(text, prefix, n) == 0;
}

static int panic_rank(const char *text, size_t len)
{
	static const char *const oops[] = {
		"BUG: ", "Oops: ", "kernel BUG at ", "general protection fault",
		"Unable to handle kernel ",
	};

	if (starts(text, len, "Kernel panic - not syncing"))
		return 3;
	/* 5.6+ says "sysrq: ", older kernels "SysRq : ". */
	if (starts(text, len, "sysrq: Trigger a crash") ||
	    starts(text, len, "SysRq : Trigger a crash"))
		return 2;
	for (size_t i = 0; i < ARRAY_SIZE(oops); i++)
		if (starts(text, len, oops[i]))
			return 1;
	return 0;
}

void printk_panic_init(struct printk_panic *p)
{
	memset(p, 0, sizeof(*p));
}

void printk_panic_feed(struct printk_panic *p, const struct printk_record *rec)
{
	const char *text = rec->text;
	size_t len = rec->len;
	int rank;

	/* A legacy line carries its level and stamp in the text. */
	if (rec->raw) {
		const char *br = len && text[0] == '<' ? memchr(text, '>', len < 8 ? len : 8) : NULL;

		if (br) {
			len -= (size_t)(br + 1 - text);
			text = br + 1;
		}
		if (len && text[0] == '[' && (br = memchr(text, ']', len < 24 ? len : 24))) {
			len -= (size_t)(br + 1 - text);
			text = br + 1;
			if (len && text[0] == ' ') {
				text++;
				len--;
			}
		}
	}
	rank = panic_rank(text, len);
	if (rank && rank >= p->rank) {
		p->rank = rank;
		p->ts_nsec = rec->ts_nsec;
		printk_format_line(rec, p->line, sizeof(p->line));
	}
}

static int panic_emit(void *arg, const struct printk_record *rec)
{
	printk_panic_feed(arg, rec);
	return 0;
}

int printk_find_panic(const struct vmcore *vc, char *line, size_t size,
		      struct err *err)
{
	struct printk_panic p;

	printk_panic_init(&p);
	if (printk_log(vc, panic_emit, &p, err) < 0)
		return -1;
	if (!p.rank)
		return 0;
	if (size)
		snprintf(line, size, "%s", p.line);
	return 1;
}

static int emit_text(void *arg, const struct printk_record *rec)
{
	return printk_write(arg, rec) < 0 ? -1 : 0;
}

char *printk_log_text(const struct vmcore *vc, uint64_t max_lines, size_t max, size_t *len,
		      struct err *err)
{
	char *buf = NULL;
	size_t size = 0;
	struct printk_writer count = { 0 }, w = { 0 };
	FILE *f;

	*len = 0;
	err->msg[0] = '\0';
	/* The last lines: count first, then skip the rest. */
	if (max_lines) {
		if (printk_log(vc, emit_text, &count, err) < 0)
			return NULL;
		w.skip = count.lines > max_lines ? count.lines - max_lines : 0;
	}
	f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	w.out = f;
	if (printk_log(vc, emit_text, &w, err) == 0)
		err->msg[0] = '\0';
	/* Only a closed memstream has its buffer. */
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	if (size > max) {
		memmove(buf, buf + size - max, max);
		size = max;
	}
	*len = size;
	return buf;
}
