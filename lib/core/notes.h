/* The notes of an ELF core: their type names, and the layout of the ones
 * we decode (NT_PRSTATUS registers, the s390 register notes), per
 * architecture. The layouts are tables in lib/arch_ARCH.c; this interface
 * knows none of them, so adding an architecture is adding one file and
 * one line in notes.c. */
#ifndef DUMPBOX_NOTES_H
#define DUMPBOX_NOTES_H

#include <stddef.h>
#include <stdint.h>

struct vmcore;
struct vmcore_note;

/* One value in a note's descriptor, in the dumped machine's byte order. */
struct note_field {
	const char *name;
	uint16_t offset;	/* in the descriptor */
	uint8_t size;		/* 4, 8 or 16 bytes */
};

/* How to read one kind of note. A layout applies only to a descriptor of
 * exactly size bytes: a note of another size is another structure (or
 * damage), and is shown undecoded. */
struct note_layout {
	uint32_t type;
	const char *owner;	/* note name it applies to ... */
	const char *owner2;	/* ... or this one (may be NULL) */
	uint32_t size;
	int32_t pid_offset;	/* NT_PRSTATUS pr_pid (u32), or -1 */
	const struct note_field *fields;
	size_t nfields;
};

struct arch_notes {
	uint16_t machine;	/* e_machine */
	int elfclass;		/* ELFCLASS64, ELFCLASS32 */
	const struct note_layout *layouts;
	size_t nlayouts;
};

/* Defined by lib/core/arch_x86_64.c and lib/core/arch_s390x.c. */
extern const struct arch_notes arch_x86_64_notes;
extern const struct arch_notes arch_s390x_notes;

/* The layout tables for vc's machine, or NULL when we have none. */
const struct arch_notes *notes_arch(const struct vmcore *vc);

/* The layout that decodes n, or NULL. */
const struct note_layout *notes_layout(const struct vmcore *vc, const struct vmcore_note *n);

/* The conventional name of n's type ("NT_PRSTATUS", "NT_S390_PREFIX",
 * "VMCOREINFO"), or NULL when unknown for its owner. */
const char *notes_type_name(const struct vmcore_note *n);

/* A field's value: v[0] holds the first (most significant) 8 bytes of a
 * 16-byte field and 0 otherwise, v[1] the rest. The field must lie in the
 * descriptor (notes_layout() guarantees it for its own fields). */
void notes_field(const struct vmcore *vc, const struct vmcore_note *n,
		 const struct note_field *f, uint64_t v[2]);

/* The field as "0x" and 2 hex digits a byte. Returns buf. */
char *notes_field_hex(const struct vmcore *vc, const struct vmcore_note *n,
		      const struct note_field *f, char *buf, size_t len);
#define NOTES_HEX_MAX 35	/* "0x" + 32 digits + NUL */

/* NT_PRSTATUS pr_pid, or -1 when this note has no known layout. */
int64_t notes_pid(const struct vmcore *vc, const struct vmcore_note *n);

/* The NT_PRSTATUS notes named "CORE": one per CPU. */
size_t notes_cpus(const struct vmcore *vc);

#endif
