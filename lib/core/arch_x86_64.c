/* x86_64 note layouts. struct elf_prstatus (include/uapi/linux/elfcore.h
 * with arch/x86's elf_gregset_t): 336 bytes, pr_pid at 32, pr_reg at 112,
 * 27 unsigned longs in struct user_regs_struct order. */
#include <elf.h>

#include "base/dumpbox.h"
#include "core/notes.h"

#define PR_REG 112
#define REG(name, i) { name, PR_REG + 8 * (i), 8 }

static const struct note_field prstatus[] = {
	REG("r15", 0), REG("r14", 1), REG("r13", 2), REG("r12", 3),
	REG("rbp", 4), REG("rbx", 5), REG("r11", 6), REG("r10", 7),
	REG("r9", 8), REG("r8", 9), REG("rax", 10), REG("rcx", 11),
	REG("rdx", 12), REG("rsi", 13), REG("rdi", 14), REG("orig_rax", 15),
	REG("rip", 16), REG("cs", 17), REG("eflags", 18), REG("rsp", 19),
	REG("ss", 20), REG("fs_base", 21), REG("gs_base", 22), REG("ds", 23),
	REG("es", 24), REG("fs", 25), REG("gs", 26),
};

static const struct note_layout layouts[] = {
	{ NT_PRSTATUS, "CORE", NULL, 336, 32, prstatus, ARRAY_SIZE(prstatus) },
};

const struct arch_notes arch_x86_64_notes = {
	.machine = EM_X86_64,
	.elfclass = ELFCLASS64,
	.layouts = layouts,
	.nlayouts = ARRAY_SIZE(layouts),
};
