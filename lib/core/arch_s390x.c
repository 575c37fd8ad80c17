/* s390x note layouts, from the kernel's s390 headers (big-endian, LP64):
 *
 * NT_PRSTATUS: struct elf_prstatus, 336 bytes: the common part (pr_pid
 *   at 32) and at 112 elf_gregset_t = s390_regs (arch/s390/include/asm/
 *   elf.h, uapi/asm/ptrace.h): psw_t { mask, addr }, gprs[16], acrs[16]
 *   (u32), orig_gpr2; then int pr_fpvalid at 328, padded to 336.
 * NT_PRFPREG: s390_fp_regs { u32 fpc; u32 pad; u64 fprs[16] }, 136 bytes.
 * LINUX (older kernels: CORE) notes, as arch/s390/kernel/crash_dump.c and
 * QEMU's target/s390x/arch_dump.c write them: NT_S390_TIMER (CPU timer,
 * u64), TODCMP (clock comparator, u64), TODPREG (TOD programmable
 * register, u32), CTRS (control registers, 16 x u64), PREFIX (u32),
 * VXRS_LOW (the right halves of V0-V15, whose left halves are the FPRs,
 * 16 x u64), VXRS_HIGH (V16-V31, 16 x 16 bytes), GS_CB (guarded-storage
 * control block: reserved, gsd, gssm, gs_epl_a, 4 x u64). */
#include <elf.h>

#include "base/dumpbox.h"
#include "core/notes.h"

#define PR_REG 112
#define U64(name, off) { name, off, 8 }
#define U32(name, off) { name, off, 4 }

static const struct note_field prstatus[] = {
	U64("psw_mask", PR_REG), U64("psw_addr", PR_REG + 8),
	U64("r0", PR_REG + 16), U64("r1", PR_REG + 24), U64("r2", PR_REG + 32),
	U64("r3", PR_REG + 40), U64("r4", PR_REG + 48), U64("r5", PR_REG + 56),
	U64("r6", PR_REG + 64), U64("r7", PR_REG + 72), U64("r8", PR_REG + 80),
	U64("r9", PR_REG + 88), U64("r10", PR_REG + 96), U64("r11", PR_REG + 104),
	U64("r12", PR_REG + 112), U64("r13", PR_REG + 120), U64("r14", PR_REG + 128),
	U64("r15", PR_REG + 136),
	U32("a0", PR_REG + 144), U32("a1", PR_REG + 148), U32("a2", PR_REG + 152),
	U32("a3", PR_REG + 156), U32("a4", PR_REG + 160), U32("a5", PR_REG + 164),
	U32("a6", PR_REG + 168), U32("a7", PR_REG + 172), U32("a8", PR_REG + 176),
	U32("a9", PR_REG + 180), U32("a10", PR_REG + 184), U32("a11", PR_REG + 188),
	U32("a12", PR_REG + 192), U32("a13", PR_REG + 196), U32("a14", PR_REG + 200),
	U32("a15", PR_REG + 204),
	U64("orig_gpr2", PR_REG + 208),
};

static const struct note_field fpregs[] = {
	U32("fpc", 0),
	U64("f0", 8), U64("f1", 16), U64("f2", 24), U64("f3", 32),
	U64("f4", 40), U64("f5", 48), U64("f6", 56), U64("f7", 64),
	U64("f8", 72), U64("f9", 80), U64("f10", 88), U64("f11", 96),
	U64("f12", 104), U64("f13", 112), U64("f14", 120), U64("f15", 128),
};

static const struct note_field timer[] = { U64("timer", 0) };
static const struct note_field todcmp[] = { U64("todcmp", 0) };
static const struct note_field todpreg[] = { U32("todpreg", 0) };
static const struct note_field prefix[] = { U32("prefix", 0) };

static const struct note_field ctrs[] = {
	U64("c0", 0), U64("c1", 8), U64("c2", 16), U64("c3", 24),
	U64("c4", 32), U64("c5", 40), U64("c6", 48), U64("c7", 56),
	U64("c8", 64), U64("c9", 72), U64("c10", 80), U64("c11", 88),
	U64("c12", 96), U64("c13", 104), U64("c14", 112), U64("c15", 120),
};

static const struct note_field vxrs_low[] = {
	U64("v0_low", 0), U64("v1_low", 8), U64("v2_low", 16), U64("v3_low", 24),
	U64("v4_low", 32), U64("v5_low", 40), U64("v6_low", 48), U64("v7_low", 56),
	U64("v8_low", 64), U64("v9_low", 72), U64("v10_low", 80), U64("v11_low", 88),
	U64("v12_low", 96), U64("v13_low", 104), U64("v14_low", 112), U64("v15_low", 120),
};

#define V128(name, i) { name, 16 * (i), 16 }
static const struct note_field vxrs_high[] = {
	V128("v16", 0), V128("v17", 1), V128("v18", 2), V128("v19", 3),
	V128("v20", 4), V128("v21", 5), V128("v22", 6), V128("v23", 7),
	V128("v24", 8), V128("v25", 9), V128("v26", 10), V128("v27", 11),
	V128("v28", 12), V128("v29", 13), V128("v30", 14), V128("v31", 15),
};

static const struct note_field gs_cb[] = {
	U64("reserved", 0), U64("gsd", 8), U64("gssm", 16), U64("gs_epl_a", 24),
};

#define LAYOUT(type, owner, owner2, size, fields) \
	{ type, owner, owner2, size, -1, fields, ARRAY_SIZE(fields) }

static const struct note_layout layouts[] = {
	{ NT_PRSTATUS, "CORE", NULL, 336, 32, prstatus, ARRAY_SIZE(prstatus) },
	LAYOUT(NT_PRFPREG, "CORE", NULL, 136, fpregs),
	LAYOUT(0x301, "LINUX", "CORE", 8, timer),
	LAYOUT(0x302, "LINUX", "CORE", 8, todcmp),
	LAYOUT(0x303, "LINUX", "CORE", 4, todpreg),
	LAYOUT(0x304, "LINUX", "CORE", 128, ctrs),
	LAYOUT(0x305, "LINUX", "CORE", 4, prefix),
	LAYOUT(0x309, "LINUX", "CORE", 128, vxrs_low),
	LAYOUT(0x30a, "LINUX", "CORE", 256, vxrs_high),
	LAYOUT(0x30b, "LINUX", "CORE", 32, gs_cb),
};

const struct arch_notes arch_s390x_notes = {
	.machine = EM_S390,
	.elfclass = ELFCLASS64,
	.layouts = layouts,
	.nlayouts = ARRAY_SIZE(layouts),
};
