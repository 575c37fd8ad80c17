/* The kernel's symbol table from the dump (core/kallsyms.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/dumpbox.h"
#include "core/kallsyms.h"
#include "core/vaddr.h"
#include "core/vmcore.h"

#define NAMES_MAX	(32u << 20)
#define TOKENS_MAX	(64u << 10)

struct syms {
	uint64_t names, num, offsets, base, table, index;
};

static int symbols(const struct vmcore *vc, struct syms *s, struct err *e)
{
	static const char *const need[] = {
		"kallsyms_names", "kallsyms_num_syms", "kallsyms_offsets",
		"kallsyms_relative_base", "kallsyms_token_table", "kallsyms_token_index",
	};
	uint64_t *out[] = { &s->names, &s->num, &s->offsets, &s->base, &s->table, &s->index };

	if (!vc->vmcoreinfo)
		return err_ret(e, EXIT_NOT_OURS, "no VMCOREINFO in this dump");
	for (size_t i = 0; i < ARRAY_SIZE(need); i++)
		if (vmcoreinfo_symbol(vc, need[i], out[i]) < 0)
			return err_ret(e, EXIT_NOT_OURS, "no SYMBOL(%s) in VMCOREINFO (Linux 6.0 "
				       "and later have it)", need[i]);
	/* The order scripts/kallsyms.c writes them in: the bounds of the
	 * names and of the token table. */
	if (s->table <= s->names || s->table - s->names > NAMES_MAX ||
	    s->index <= s->table || s->index - s->table > TOKENS_MAX)
		return err_ret(e, EXIT_DAMAGED, "the kallsyms tables are not laid out as the "
			       "kernel lays them out");
	return 0;
}

/* len bytes of kernel memory at va, malloc'd. */
static void *read_virt(const struct vmcore *vc, uint64_t va, size_t len, const char *what,
		       struct err *e)
{
	void *p = xmalloc(len ? len : 1);

	if (vmcore_read_virt(vc, va, p, len) < 0) {
		free(p);
		err_set(e, EXIT_DAMAGED, "%s (0x%" PRIx64 ", %zu bytes) is not in the dump", what,
			va, len);
		return NULL;
	}
	return p;
}

/* Where each symbol's entry starts; -1 when the names run out first. */
static int index_names(struct kallsyms *ks, struct err *e)
{
	size_t pos = 0;

	ks->name_pos = xmalloc(ks->num * sizeof(*ks->name_pos));
	for (uint32_t i = 0; i < ks->num; i++) {
		size_t len;

		if (pos >= ks->names_len)
			return err_ret(e, EXIT_DAMAGED, "kallsyms_names ends at symbol %" PRIu32
				       " of %" PRIu32, i, ks->num);
		ks->name_pos[i] = (uint32_t)pos;
		len = ks->names[pos++];
		if (len & 0x80) {
			if (pos >= ks->names_len)
				return err_ret(e, EXIT_DAMAGED, "kallsyms_names is cut short");
			len = (len & 0x7f) | (size_t)ks->names[pos++] << 7;
		}
		pos += len;
	}
	if (pos > ks->names_len)
		return err_ret(e, EXIT_DAMAGED, "kallsyms_names is cut short");
	return 0;
}

static void text_bounds(struct kallsyms *ks)
{
	static const char *const mark[] = { "_stext", "_etext", "_sinittext", "_einittext" };
	uint64_t *at[] = { &ks->text[0], &ks->text[1], &ks->inittext[0], &ks->inittext[1] };
	char name[KALLSYMS_NAME_MAX], type;

	for (uint32_t i = 0; i < ks->num; i++) {
		kallsyms_name(ks, i, name, sizeof(name), &type);
		if (name[0] != '_')
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(mark); k++)
			if (strcmp(name, mark[k]) == 0)
				*at[k] = kallsyms_address(ks, i);
	}
	if (ks->text[1] <= ks->text[0])
		ks->text[0] = ks->text[1] = 0;
	if (ks->inittext[1] <= ks->inittext[0])
		ks->inittext[0] = ks->inittext[1] = 0;
}

int kallsyms_open(struct kallsyms *ks, const struct vmcore *vc, struct err *e)
{
	unsigned char raw[512];
	struct syms s = { 0 };
	uint32_t negative = 0;

	memset(ks, 0, sizeof(*ks));
	if (symbols(vc, &s, e) < 0)
		return -1;
	if (vmcore_read_virt(vc, s.num, raw, 4) < 0 || vmcore_read_virt(vc, s.base, raw + 4, 8) < 0)
		return err_ret(e, EXIT_DAMAGED, "kallsyms_num_syms is not in the dump");
	ks->num = vmcore_u32(vc, raw);
	ks->relative_base = vmcore_u64(vc, raw + 4);
	if (ks->num == 0 || ks->num > KALLSYMS_MAX_SYMS)
		return err_ret(e, EXIT_DAMAGED, "kallsyms_num_syms is %" PRIu32 ": not a kernel's",
			       ks->num);
	ks->offsets = read_virt(vc, s.offsets, (size_t)ks->num * 4, "kallsyms_offsets", e);
	ks->names_len = (size_t)(s.table - s.names);
	ks->names = read_virt(vc, s.names, ks->names_len, "kallsyms_names", e);
	ks->tokens_len = (size_t)(s.index - s.table);
	ks->tokens = read_virt(vc, s.table, ks->tokens_len, "kallsyms_token_table", e);
	if (!ks->offsets || !ks->names || !ks->tokens ||
	    vmcore_read_virt(vc, s.index, raw, sizeof(raw)) < 0) {
		if (ks->tokens)
			err_set(e, EXIT_DAMAGED, "kallsyms_token_index is not in the dump");
		kallsyms_close(ks);
		return -1;
	}
	/* The last token must end inside the table. */
	ks->tokens[ks->tokens_len - 1] = '\0';
	for (unsigned i = 0; i < 256; i++)
		ks->token_index[i] = vmcore_u16(vc, raw + 2 * i);
	for (uint32_t i = 0; i < ks->num; i++) {
		ks->offsets[i] = (int32_t)vmcore_u32(vc, &ks->offsets[i]);
		negative += ks->offsets[i] < 0;
	}
	/* Relative offsets are all small and positive; in the absolute-
	 * percpu form every symbol but the per-CPU ones is negative. */
	ks->absolute_percpu = negative > ks->num / 2;
	if (index_names(ks, e) < 0) {
		kallsyms_close(ks);
		return -1;
	}
	text_bounds(ks);
	return 0;
}

void kallsyms_close(struct kallsyms *ks)
{
	free(ks->offsets);
	free(ks->names);
	free(ks->name_pos);
	free(ks->tokens);
	memset(ks, 0, sizeof(*ks));
}

uint64_t kallsyms_address(const struct kallsyms *ks, uint32_t i)
{
	int32_t off = ks->offsets[i];

	if (!ks->absolute_percpu)
		return ks->relative_base + (uint32_t)off;
	return off >= 0 ? (uint64_t)off : ks->relative_base - 1 - (uint64_t)(int64_t)off;
}

void kallsyms_name(const struct kallsyms *ks, uint32_t i, char *name, size_t len, char *type)
{
	size_t pos = ks->name_pos[i], n, out = 0;
	int first = 1;

	n = ks->names[pos++];
	if (n & 0x80)
		n = (n & 0x7f) | (size_t)ks->names[pos++] << 7;
	*type = '?';
	for (size_t k = 0; k < n && pos + k < ks->names_len; k++) {
		size_t t = ks->token_index[ks->names[pos + k]];

		for (; t < ks->tokens_len && ks->tokens[t]; t++) {
			if (first) {
				*type = ks->tokens[t];
				first = 0;
			} else if (out + 1 < len) {
				name[out++] = ks->tokens[t];
			}
		}
	}
	if (len)
		name[out] = '\0';
}

static int is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

int kallsyms_lookup(const struct kallsyms *ks, uint64_t addr, char *name, size_t len,
		    uint64_t *off, uint64_t *size)
{
	uint32_t lo = 0, hi = ks->num, i, next;
	uint64_t start;
	char type;

	if (!ks->num || addr < kallsyms_address(ks, 0))
		return -1;
	if (ks->text[1] && !(addr >= ks->text[0] && addr < ks->text[1]) &&
	    !(addr >= ks->inittext[0] && addr < ks->inittext[1]))
		return -1;
	/* The last symbol at or below addr... */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (kallsyms_address(ks, mid) <= addr)
			lo = mid;
		else
			hi = mid;
	}
	start = kallsyms_address(ks, lo);
	/* ... the first of its aliases, as the kernel names it ... */
	for (i = lo; i > 0 && kallsyms_address(ks, i - 1) == start; i--)
		;
	/* ... and its end: the next symbol at a higher address. */
	for (next = lo + 1; next < ks->num && kallsyms_address(ks, next) == start; next++)
		;
	if (next >= ks->num)
		return -1;
	kallsyms_name(ks, i, name, len, &type);
	if (!is_text(type))
		return -1;
	*off = addr - start;
	*size = kallsyms_address(ks, next) - start;
	return 0;
}
