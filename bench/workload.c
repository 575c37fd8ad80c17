/*
 * workload ZERO RANDOM TEXT STRUCT STALE: fill a guest's memory before
 * bench/mkvmcore-big crashes it, so its vmcore looks like a busy machine's
 * and not an idle one (an idle guest's memory is ~95% zero pages, which
 * makes every dump tool look fast and small).
 *
 * Sizes in MiB, of anonymous memory that stays allocated:
 *   ZERO    pages written with zeros (real pages, not the shared zero
 *           page: dump level 1 drops them, level 8 too)
 *   RANDOM  random bytes (no codec shrinks them)
 *   TEXT    log-like text lines (compress well)
 *   STRUCT  arrays of heap-like records: small integers, pointers into
 *           one region, short names, many zero bytes
 * and STALE MiB filled (text and random, half each) then unmapped before
 * the crash: free pages that still hold old data, as on any machine that
 * has run for a while (level 16 drops them, level 1 does not).
 *
 * A child process holds the memory until the machine dies; the parent
 * exits 0 once it is all written, so the caller can crash the kernel.
 * Deterministic: the same sizes give the same bytes.
 *
 * Build: musl-gcc -static -O2 -o workload workload.c
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIB (1024UL * 1024)
#define PAGE 4096UL

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: fast enough that TCG spends its time on the memory. */
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned char *region(size_t mib)
{
	void *p;

	if (!mib)
		return NULL;
	p = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "workload: mmap %zu MiB: %s\n", mib, strerror(errno));
		exit(1);
	}
	return p;
}

static void fill_zero(unsigned char *p, size_t len)
{
	/* One written byte per page allocates a zeroed page. */
	for (size_t i = 0; i < len; i += PAGE)
		p[i] = 0;
}

static void fill_random(unsigned char *p, size_t len)
{
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t v = next();

		memcpy(p + i, &v, 8);
	}
}

static const char *const hosts[] = { "web01", "web02", "db01", "cache03" };
static const char *const apps[] = { "nginx", "postgres", "app-server", "cron", "sshd" };
static const char *const verbs[] = { "GET", "POST", "PUT", "DELETE" };
static const char *const paths[] = { "/api/v1/items", "/api/v1/users", "/static/app.js",
				     "/login", "/api/v2/orders", "/healthz" };
static const int statuses[] = { 200, 200, 200, 200, 201, 204, 301, 304, 404, 500 };

#define PICK(a) (a[next() % (sizeof(a) / sizeof(a[0]))])

static void fill_text(unsigned char *p, size_t len)
{
	uint64_t t = 1700000000;
	size_t off = 0;
	char line[256];

	while (off < len) {
		int n;

		t += next() % 3;
		n = snprintf(line, sizeof(line),
			     "%llu.%06u %s %s[%u]: %s %s/%u status=%d bytes=%u rt=%u.%03ums ua=\"Mozilla/5.0 (X11; Linux x86_64)\"\n",
			     (unsigned long long)t, (unsigned)(next() % 1000000),
			     PICK(hosts), PICK(apps), (unsigned)(1000 + next() % 30000),
			     PICK(verbs), PICK(paths), (unsigned)(next() % 100000),
			     PICK(statuses), (unsigned)(next() % 65536),
			     (unsigned)(next() % 200), (unsigned)(next() % 1000));
		if (n <= 0)
			break;
		if ((size_t)n > len - off)
			n = (int)(len - off);
		memcpy(p + off, line, (size_t)n);
		off += (size_t)n;
	}
}

/* What a heap full of small objects looks like: linked records whose
 * pointers point into the same region, counters, flags, short names. */
struct record {
	uint64_t id;
	uint32_t flags;
	uint32_t refcount;
	uint64_t next;
	uint64_t prev;
	double value;
	char name[24];
	uint64_t reserved[2];
};

static void fill_struct(unsigned char *p, size_t len)
{
	size_t n = len / sizeof(struct record);
	uint64_t base = (uint64_t)(uintptr_t)p;

	for (size_t i = 0; i < n; i++) {
		struct record r = {
			.id = i,
			.flags = (uint32_t)(next() & 0x13),
			.refcount = (uint32_t)(1 + next() % 4),
			.next = base + ((i + 1) % n) * sizeof(struct record),
			.prev = base + ((i + n - 1) % n) * sizeof(struct record),
			.value = (double)(next() % 100000) / 100.0,
		};

		snprintf(r.name, sizeof(r.name), "item-%zu", i % 5000);
		memcpy(p + i * sizeof(r), &r, sizeof(r));
	}
}

static size_t arg(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v > 1UL << 20) {
		fprintf(stderr, "workload: bad size '%s' (MiB)\n", s);
		exit(64);
	}
	return v;
}

int main(int argc, char **argv)
{
	size_t zero, rnd, text, strct, stale;
	unsigned char *s;
	int pfd[2];
	char c;

	if (argc != 6) {
		fprintf(stderr, "usage: workload ZERO RANDOM TEXT STRUCT STALE (MiB)\n");
		return 64;
	}
	zero = arg(argv[1]);
	rnd = arg(argv[2]);
	text = arg(argv[3]);
	strct = arg(argv[4]);
	stale = arg(argv[5]);

	if (pipe(pfd) < 0) {
		perror("workload: pipe");
		return 1;
	}
	switch (fork()) {
	case -1:
		perror("workload: fork");
		return 1;
	case 0:
		break;
	default:
		/* The parent returns once the child has written everything. */
		close(pfd[1]);
		if (read(pfd[0], &c, 1) != 1) {
			fprintf(stderr, "workload: child died before it was ready\n");
			return 1;
		}
		return 0;
	}
	close(pfd[0]);

	/* The stale part is unmapped last: nothing allocates after it, so
	 * its pages stay free with their old contents until the crash. */
	s = region(stale);
	if (s) {
		fill_text(s, stale * MIB / 2);
		fill_random(s + stale * MIB / 2, stale * MIB - stale * MIB / 2);
	}
	fill_zero(region(zero), zero * MIB);
	fill_random(region(rnd), rnd * MIB);
	fill_text(region(text), text * MIB);
	fill_struct(region(strct), strct * MIB);
	if (s && munmap(s, stale * MIB) < 0) {
		perror("workload: munmap");
		return 1;
	}
	printf("workload: %zu MiB anonymous (%zu zero, %zu random, %zu text, %zu struct), %zu MiB freed stale\n",
	       zero + rnd + text + strct, zero, rnd, text, strct, stale);
	fflush(stdout);
	if (write(pfd[1], "r", 1) != 1) {
		perror("workload: write");
		return 1;
	}
	for (;;)
		pause();
}
