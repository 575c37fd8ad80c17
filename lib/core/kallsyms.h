/* The crashed kernel's own symbol table, read from the dump: Linux 6.0
 * and later name its parts in VMCOREINFO (SYMBOL(kallsyms_names),
 * kallsyms_num_syms, kallsyms_offsets, kallsyms_relative_base,
 * kallsyms_token_table, kallsyms_token_index), so addresses can be named
 * without vmlinux.
 *
 * The format is scripts/kallsyms.c's (CONFIG_KALLSYMS_BASE_RELATIVE, the
 * only one since 6.1 on 64-bit): num_syms (u32); offsets (s32 each, in
 * address order), which are either relative to relative_base (u32) or, with
 * CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86_64), absolute when >= 0 and
 * relative_base - 1 - offset when negative; names, one entry a symbol: a
 * length (one byte; a second one when the first has 0x80 set, 6.1+), then
 * that many token numbers, each expanded through token_index (u16 offsets)
 * into token_table (NUL-terminated strings). The first expanded character
 * is the symbol's type, as nm prints it. Everything is read through the
 * page tables, so KASLR's placement is what VMCOREINFO's symbols already
 * say; nothing read is trusted beyond the bounds checked here. */
#ifndef DUMPBOX_KALLSYMS_H
#define DUMPBOX_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct vmcore;

/* Far above any kernel's (Debian 12's amd64 has about 150000). */
#define KALLSYMS_MAX_SYMS	(1u << 21)
#define KALLSYMS_NAME_MAX	512

struct kallsyms {
	uint32_t num;
	uint64_t relative_base;
	int absolute_percpu;	/* the offsets' form, told by their signs */
	int32_t *offsets;	/* num */
	unsigned char *names;	/* names_len bytes */
	size_t names_len;
	uint32_t *name_pos;	/* where symbol i's entry starts in names */
	/* Kernel text, as the kernel's is_ksym_addr() sees it: _stext to
	 * _etext, _sinittext to _einittext (0, 0: not found). */
	uint64_t text[2], inittext[2];
	char *tokens;		/* the token table, NUL-terminated strings */
	size_t tokens_len;
	uint16_t token_index[256];
};

/* Read the table of vc. 0, or -1 with e saying why not (EXIT_NOT_OURS:
 * VMCOREINFO does not name it, Linux < 6.0; EXIT_DAMAGED: it is not in
 * the dump or makes no sense). */
int kallsyms_open(struct kallsyms *ks, const struct vmcore *vc, struct err *e);
void kallsyms_close(struct kallsyms *ks);

/* The address of symbol i. */
uint64_t kallsyms_address(const struct kallsyms *ks, uint32_t i);

/* Symbol i's name (without its type) into name, and its type character. */
void kallsyms_name(const struct kallsyms *ks, uint32_t i, char *name, size_t len, char *type);

/* The text symbol addr falls in, as the kernel's %pS prints it: 0 with
 * name, *off (from its start) and *size (to the next symbol's address);
 * -1 when addr is outside the kernel's text (before the first symbol,
 * after _etext and outside the init text: a module's address, data) or
 * in a symbol that is not text. */
int kallsyms_lookup(const struct kallsyms *ks, uint64_t addr, char *name, size_t len,
		    uint64_t *off, uint64_t *size);

#endif
