#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/dumpbox.h"
#include "core/notes.h"
#include "core/vmcore.h"

static const struct arch_notes *const arches[] = {
	&arch_x86_64_notes,
	&arch_s390x_notes,
};

const struct arch_notes *notes_arch(const struct vmcore *vc)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i]->machine == vc->ehdr.e_machine &&
		    arches[i]->elfclass == vc->elfclass)
			return arches[i];
	return NULL;
}

static int owned_by(const struct vmcore_note *n, const char *owner)
{
	return owner && strcmp(n->name, owner) == 0;
}

const struct note_layout *notes_layout(const struct vmcore *vc, const struct vmcore_note *n)
{
	const struct arch_notes *a = notes_arch(vc);

	if (!a)
		return NULL;
	for (size_t i = 0; i < a->nlayouts; i++) {
		const struct note_layout *l = &a->layouts[i];

		if (l->type == n->type && l->size == n->descsz &&
		    (owned_by(n, l->owner) || owned_by(n, l->owner2)))
			return l;
	}
	return NULL;
}

struct type_name {
	uint32_t type;
	const char *name;
};

/* Types of the "CORE" and "LINUX" notes a kernel or QEMU writes
 * (include/uapi/linux/elf.h). */
static const struct type_name core_types[] = {
	{ NT_PRSTATUS, "NT_PRSTATUS" },
	{ NT_PRFPREG, "NT_PRFPREG" },
	{ NT_PRPSINFO, "NT_PRPSINFO" },
	{ 4, "NT_TASKSTRUCT" },
	{ NT_AUXV, "NT_AUXV" },
	{ 0x53494749, "NT_SIGINFO" },
	{ 0x46494c45, "NT_FILE" },
	{ 0x46e62b7f, "NT_PRXFPREG" },
	{ 0x202, "NT_X86_XSTATE" },
	{ 0x300, "NT_S390_HIGH_GPRS" },
	{ 0x301, "NT_S390_TIMER" },
	{ 0x302, "NT_S390_TODCMP" },
	{ 0x303, "NT_S390_TODPREG" },
	{ 0x304, "NT_S390_CTRS" },
	{ 0x305, "NT_S390_PREFIX" },
	{ 0x306, "NT_S390_LAST_BREAK" },
	{ 0x307, "NT_S390_SYSTEM_CALL" },
	{ 0x308, "NT_S390_TDB" },
	{ 0x309, "NT_S390_VXRS_LOW" },
	{ 0x30a, "NT_S390_VXRS_HIGH" },
	{ 0x30b, "NT_S390_GS_CB" },
	{ 0x30c, "NT_S390_GS_BC" },
	{ 0x30d, "NT_S390_RI_CB" },
	{ 0x30e, "NT_S390_PV_CPU_DATA" },
};

const char *notes_type_name(const struct vmcore_note *n)
{
	if (strcmp(n->name, "VMCOREINFO") == 0)
		return n->type == 0 ? "VMCOREINFO" : NULL;
	if (strcmp(n->name, "CORE") != 0 && strcmp(n->name, "LINUX") != 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(core_types); i++)
		if (core_types[i].type == n->type)
			return core_types[i].name;
	return NULL;
}

void notes_field(const struct vmcore *vc, const struct vmcore_note *n,
		 const struct note_field *f, uint64_t v[2])
{
	const unsigned char *p = n->desc + f->offset;

	v[0] = 0;
	switch (f->size) {
	case 4:
		v[1] = vmcore_u32(vc, p);
		break;
	case 8:
		v[1] = vmcore_u64(vc, p);
		break;
	default:
		/* A 16-byte register (an s390 vector register) is stored
		 * as two doublewords, most significant first, on s390. On a
		 * little-endian machine the low one would come first. */
		if (vc->data == ELFDATA2MSB) {
			v[0] = vmcore_u64(vc, p);
			v[1] = vmcore_u64(vc, p + 8);
		} else {
			v[1] = vmcore_u64(vc, p);
			v[0] = vmcore_u64(vc, p + 8);
		}
	}
}

char *notes_field_hex(const struct vmcore *vc, const struct vmcore_note *n,
		      const struct note_field *f, char *buf, size_t len)
{
	uint64_t v[2];

	notes_field(vc, n, f, v);
	if (f->size == 16)
		snprintf(buf, len, "0x%016" PRIx64 "%016" PRIx64, v[0], v[1]);
	else
		snprintf(buf, len, "0x%0*" PRIx64, f->size * 2, v[1]);
	return buf;
}

int64_t notes_pid(const struct vmcore *vc, const struct vmcore_note *n)
{
	const struct note_layout *l = notes_layout(vc, n);

	if (l && l->pid_offset >= 0 && (uint32_t)l->pid_offset + 4 <= n->descsz)
		return vmcore_u32(vc, n->desc + l->pid_offset);
	return -1;
}

size_t notes_cpus(const struct vmcore *vc)
{
	size_t cpus = 0;

	for (size_t i = 0; i < vc->nnotes; i++)
		if (vc->notes[i].type == NT_PRSTATUS && strcmp(vc->notes[i].name, "CORE") == 0)
			cpus++;
	return cpus;
}
