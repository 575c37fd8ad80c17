/* The kdump-compressed writer's promises under failure, through a target
 * in memory that fails on command: a full target (a dump disk's area of
 * every size from nothing to enough; a file system that refuses new
 * blocks from the N-th write on) and a signal at every write. Whatever
 * happens, the header is either absent or says INCOMPLETE, and every page
 * the bitmap promises reads back as the source has it; the header is the
 * last write, after a sync. (Page contents are also checked against
 * libkdumpfile and makedumpfile by tests/slow/kdump-write.test.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/compress.h"
#include "base/dumpbox.h"
#include "base/window.h"
#include "core/kdump.h"
#include "core/vmcore.h"
#include "write/dump.h"
#include "write/pagefilter.h"
#include "write/pipeline.h"

#define PS 4096u
#define NPAGES 300u		/* several batches of the writer's */
#define SEG_B 0x200000u		/* the second segment's physical address */

/* ---- a source core ------------------------------------------------------ */

static unsigned char *core;
static size_t core_len;

static void put(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Page pfn's bytes: zero pages, patterns, noise that does not compress. */
static void page_of(uint64_t pfn, unsigned char *p)
{
	uint64_t x = pfn * 0x9e3779b97f4a7c15ull + 1;

	if (pfn % 5 == 0) {
		memset(p, 0, PS);
		return;
	}
	for (unsigned i = 0; i < PS; i++) {
		if (pfn % 3 == 0) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p[i] = (unsigned char)x;
		} else {
			p[i] = (unsigned char)(pfn + i / 64);
		}
	}
}

/* Segment A: pfns 0..99 at file offset 0x2000; segment B: pfns
 * 0x200..0x2c7 (physical SEG_B) at 0x2000 + 100 pages. A VMCOREINFO note. */
static int make_core(void **state)
{
	static const char vi[] = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\n";
	size_t vlen = sizeof(vi) - 1, nlen = 24 + ((vlen + 3) & ~(size_t)3);
	unsigned char *ph;

	(void)state;
	core_len = 0x2000 + (size_t)NPAGES * PS;
	core = calloc(1, core_len);
	memcpy(core, "\177ELF\2\1\1", 7);
	put(core + 16, ET_CORE, 2);
	put(core + 18, EM_X86_64, 2);
	put(core + 20, 1, 4);
	put(core + 32, 64, 8);
	put(core + 52, 64, 2);
	put(core + 54, 56, 2);
	put(core + 56, 3, 2);
	ph = core + 64;
	put(ph, PT_NOTE, 4);
	put(ph + 8, 0x1000, 8);
	put(ph + 32, nlen, 8);
	put(ph + 40, nlen, 8);
	put(core + 0x1000, 11, 4);
	put(core + 0x1004, vlen, 4);
	memcpy(core + 0x100c, "VMCOREINFO", 11);
	memcpy(core + 0x1018, vi, vlen);
	for (int s = 0; s < 2; s++) {
		uint64_t pages = s ? NPAGES - 100 : 100, pa = s ? SEG_B : 0;
		uint64_t off = 0x2000 + (s ? 100ull * PS : 0);

		ph = core + 64 + 56 * (1 + s);
		put(ph, PT_LOAD, 4);
		put(ph + 8, off, 8);
		put(ph + 16, 0xffff888000000000ull + pa, 8);
		put(ph + 24, pa, 8);
		put(ph + 32, pages * PS, 8);
		put(ph + 40, pages * PS, 8);
		for (uint64_t i = 0; i < pages; i++)
			page_of(pa / PS + i, core + off + i * PS);
	}
	return 0;
}

static int free_core(void **state)
{
	(void)state;
	free(core);
	return 0;
}

/* ---- a target in memory ------------------------------------------------- */

struct mem {
	unsigned char *buf;
	unsigned char *alloc;	/* byte was written once (a file system's block) */
	size_t len, cap;
	uint64_t limit;		/* writes past this fail ENOSPC (a dump area) */
	int nwrites, fail_new_from;	/* from this write on, new bytes ENOSPC */
	int stop_at;		/* raise the stop flag at this write */
	int abandon_at;		/* and abandon the target (a stalled server) */
	int late_syncs;		/* syncs from then on */
	volatile sig_atomic_t stop;
	int synced_before_last, last_was_header, synced, finished, complete;
	uint64_t final_size;
};

static int mem_begin(struct dump_target *t, uint64_t size)
{
	(void)t, (void)size;
	return 0;
}

static int mem_write(struct dump_target *t, const void *b, size_t len, uint64_t off)
{
	struct mem *m = t->priv;

	m->nwrites++;
	if (m->stop_at && m->nwrites == m->stop_at)
		m->stop = 1;
	if (m->abandon_at && m->nwrites == m->abandon_at) {
		/* What the stall watchdog does, from its own thread. */
		dump_abandon(t);
		m->stop = 1;
	}
	if (off + len > m->limit) {
		errno = ENOSPC;
		return -1;
	}
	if (off + len > m->cap) {
		size_t cap = (size_t)(off + len) * 2;

		m->buf = realloc(m->buf, cap);
		m->alloc = realloc(m->alloc, cap);
		memset(m->buf + m->cap, 0, cap - m->cap);
		memset(m->alloc + m->cap, 0, cap - m->cap);
		m->cap = cap;
	}
	if (m->fail_new_from && m->nwrites >= m->fail_new_from) {
		for (size_t i = 0; i < len; i++)
			if (!m->alloc[off + i]) {
				errno = ENOSPC;
				return -1;
			}
	}
	memcpy(m->buf + off, b, len);
	memset(m->alloc + off, 1, len);
	if (off + len > m->len)
		m->len = (size_t)(off + len);
	m->last_was_header = off == 0 && len == PS;
	m->synced_before_last = m->synced;
	m->synced = 0;
	return 0;
}

static int mem_zero(struct dump_target *t, size_t len, uint64_t off)
{
	(void)t, (void)len, (void)off;
	fail_msg("the kdump writer writes its zeros");
	return -1;
}

static int mem_sync(struct dump_target *t)
{
	struct mem *m = t->priv;

	m->synced = 1;
	if (m->abandon_at && m->nwrites >= m->abandon_at)
		m->late_syncs++;
	return 0;
}

static int mem_finish(struct dump_target *t, int complete, const struct dump_target *info)
{
	struct mem *m = t->priv;

	m->finished = 1;
	m->complete = complete;
	m->final_size = info->size;
	return 0;
}

static const struct dump_target_ops mem_ops = {
	.begin = mem_begin, .write = mem_write, .zero = mem_zero,
	.sync = mem_sync, .finish = mem_finish,
};

/* ---- running and checking ----------------------------------------------- */

/* Dump the core into m as t (kdump, zero pages left out, on threads):
 * the status. */
static int dump_core(struct mem *m, struct dump_target *t, unsigned threads, int codec)
{
	struct dump_opts o = { .format = DUMP_FORMAT_KDUMP, .threads = threads, .stop = &m->stop,
			       .dump_level = DL_ZERO, .codec = codec };
	struct window cw;
	struct vmcore vc;
	int fd = memfd_create("core", 0), rc;

	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, core, core_len), 0);
	window_init(&cw, fd, 0, core_len, "core");
	assert_int_equal(vmcore_open(&vc, &cw), 0);
	rc = dump_vmcore(&vc, t, &o);
	vmcore_close(&vc);
	close(fd);
	free(t->bad);
	return rc;
}

/* Dump the core into m; check what any reader may rely on. Returns the
 * pages the result holds. */
static unsigned dump_and_check(struct mem *m, unsigned threads, int *rcp)
{
	struct dump_target t = { .ops = &mem_ops, .priv = m, .name = "memory" };
	struct window w;
	struct kdump kd;
	struct err err;
	unsigned char page[PS], want[PS];
	unsigned held = 0;
	int fd, rc;

	rc = dump_core(m, &t, threads, codec_available(CODEC_ZLIB) ? CODEC_ZLIB : CODEC_NONE);
	*rcp = rc;
	assert_true(m->finished);
	assert_int_equal(m->complete, rc == EXIT_OK);
	if (rc == EXIT_OK) {
		assert_true(m->last_was_header);
		assert_true(m->synced_before_last);
		assert_int_equal(m->final_size, m->len);
	} else {
		assert_int_equal(rc, EXIT_INCOMPLETE);
		assert_true(t.reason[0]);
	}
	/* No header (never written, or still the zeros written first), or
	 * one that says INCOMPLETE unless the dump is complete. */
	if (m->len < PS || memcmp(m->buf, KDUMP_SIGNATURE, 8) != 0) {
		assert_int_not_equal(rc, EXIT_OK);
		return 0;
	}
	fd = memfd_create("dump", 0);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, m->buf, m->len), 0);
	window_init(&w, fd, 0, m->len, "dump");
	assert_int_equal(kdump_open(&kd, &w, &err), 0);
	assert_int_equal(!!kd.incomplete, rc != EXIT_OK);
	for (uint64_t pfn = 0; pfn < kd.max_mapnr; pfn++) {
		int in_core = pfn < 100 || (pfn >= SEG_B / PS && pfn < SEG_B / PS + NPAGES - 100);

		assert_int_equal(kdump_is_ram(&kd, pfn), in_core);
		if (!kdump_is_dumped(&kd, pfn))
			continue;
		assert_true(in_core);
		assert_int_equal(kdump_read_page(&kd, pfn, page), 0);
		page_of(pfn, want);
		assert_memory_equal(page, want, PS);
		held++;
	}
	kdump_close(&kd);
	close(fd);
	return held;
}

static void reset(struct mem *m)
{
	free(m->buf);
	free(m->alloc);
	memset(m, 0, sizeof(*m));
	m->limit = UINT64_MAX;
}

static void complete_dump(void **state)
{
	struct mem m = { 0 };
	int rc;

	(void)state;
	for (unsigned threads = 1; threads <= 4; threads *= 2) {
		reset(&m);
		assert_int_equal(dump_and_check(&m, threads, &rc), NPAGES);
		assert_int_equal(rc, EXIT_OK);
	}
	reset(&m);
}

/* A dump area of every size: never a complete-looking dump that is not. */
static void full_dump_area(void **state)
{
	struct mem m = { 0 };
	size_t full;
	unsigned last = 0;
	int rc;

	(void)state;
	reset(&m);
	dump_and_check(&m, 2, &rc);
	full = m.len;
	for (size_t limit = 0; limit < full + 2 * PS; limit += 2039) {
		unsigned held;

		reset(&m);
		m.limit = limit;
		held = dump_and_check(&m, 2, &rc);
		assert_int_equal(rc, limit >= full ? EXIT_OK : EXIT_INCOMPLETE);
		assert_true(held >= last);	/* more room, more pages */
		last = held;
	}
	assert_int_equal(last, NPAGES);
	reset(&m);
}

/* The writes of a whole dump (each test then cuts at every one of them). */
static int whole_dump_writes(struct mem *m)
{
	int rc;

	reset(m);
	dump_and_check(m, 2, &rc);
	assert_int_equal(rc, EXIT_OK);
	return m->nwrites;
}

/* A file system that is full from the N-th write on: rewriting what is
 * there still works (the header and the 2nd bitmap were reserved). */
static void full_file_system(void **state)
{
	struct mem m = { 0 };
	int rc, writes;

	(void)state;
	writes = whole_dump_writes(&m);
	for (int n = 1; n <= writes; n++) {
		reset(&m);
		m.fail_new_from = n;
		dump_and_check(&m, 2, &rc);
		/* Only the last writes rewrite reserved space: the dump
		 * can complete when the refusals start there. */
		if (rc == EXIT_OK)
			assert_true(n > writes - 4);
	}
	reset(&m);
}

/* A signal at every write: INCOMPLETE, with what was written readable. */
static void stopped(void **state)
{
	struct mem m = { 0 };
	int rc, writes;

	(void)state;
	writes = whole_dump_writes(&m);
	for (int n = 1; n <= writes; n++) {
		reset(&m);
		m.stop_at = n;
		dump_and_check(&m, 2, &rc);
	}
	reset(&m);
}

/* A target abandoned at every write (its server stopped answering): not
 * one more write or sync reaches it, the dump fails with the reason, and
 * finish is still called (to let the target go), saying incomplete. */
static void abandoned(void **state)
{
	struct mem m = { 0 };
	int rc, writes;

	(void)state;
	writes = whole_dump_writes(&m);
	for (int n = 1; n <= writes; n += n < 8 ? 1 : 7) {
		struct dump_target t = { .ops = &mem_ops, .priv = &m, .name = "memory" };

		reset(&m);
		m.abandon_at = n;
		rc = dump_core(&m, &t, 2, CODEC_NONE);
		assert_int_not_equal(rc, EXIT_OK);
		assert_int_equal(m.nwrites, n);
		assert_int_equal(m.late_syncs, 0);
		assert_true(m.finished);
		assert_false(m.complete);
		assert_true(t.reason[0]);
	}
	reset(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(complete_dump),
		cmocka_unit_test(full_dump_area),
		cmocka_unit_test(full_file_system),
		cmocka_unit_test(stopped),
		cmocka_unit_test(abandoned),
	};

	return cmocka_run_group_tests(tests, make_core, free_core);
}
