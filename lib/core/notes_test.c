/* The register layout tables: notes_field() trusts them to stay inside
 * the descriptor size they are chosen for, so check that here once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/dumpbox.h"
#include "core/notes.h"
#include "core/vmcore.h"

static const struct arch_notes *const all[] = { &arch_x86_64_notes, &arch_s390x_notes };

static void fields_inside_descriptors(void **state)
{
	(void)state;
	for (size_t a = 0; a < ARRAY_SIZE(all); a++) {
		for (size_t l = 0; l < all[a]->nlayouts; l++) {
			const struct note_layout *lay = &all[a]->layouts[l];

			assert_true(lay->pid_offset < 0 || (uint32_t)lay->pid_offset + 4 <= lay->size);
			for (size_t f = 0; f < lay->nfields; f++) {
				const struct note_field *fd = &lay->fields[f];

				assert_true(fd->size == 4 || fd->size == 8 || fd->size == 16);
				assert_true(fd->offset + fd->size <= lay->size);
				/* Names are unique within a note (JSON keys). */
				for (size_t g = 0; g < f; g++)
					assert_string_not_equal(fd->name, lay->fields[g].name);
			}
		}
	}
}

static void decode_big_endian(void **state)
{
	unsigned char desc[336] = { 0 };
	struct vmcore_note n = { .name = "CORE", .type = 1, .desc = desc, .descsz = 336 };
	struct vmcore vc = { .data = ELFDATA2MSB, .elfclass = ELFCLASS64 };
	const struct note_layout *l;
	char hex[NOTES_HEX_MAX];

	(void)state;
	vc.ehdr.e_machine = EM_S390;
	desc[32 + 3] = 7;			/* pr_pid */
	desc[112] = 0x07;			/* psw mask, first byte */
	desc[112 + 8 + 7] = 0x36;		/* psw addr, last byte */
	desc[112 + 144 + 3] = 0x42;		/* a0 */
	l = notes_layout(&vc, &n);
	assert_non_null(l);
	assert_int_equal(notes_pid(&vc, &n), 7);
	assert_string_equal(notes_field_hex(&vc, &n, &l->fields[0], hex, sizeof(hex)),
			    "0x0700000000000000");
	assert_string_equal(notes_field_hex(&vc, &n, &l->fields[1], hex, sizeof(hex)),
			    "0x0000000000000036");
	assert_string_equal(l->fields[18].name, "a0");
	assert_string_equal(notes_field_hex(&vc, &n, &l->fields[18], hex, sizeof(hex)),
			    "0x00000042");
	/* Another size is another structure: not decoded. */
	n.descsz = 335;
	assert_null(notes_layout(&vc, &n));
	assert_int_equal(notes_pid(&vc, &n), -1);
	/* Another machine: not decoded as s390x. */
	n.descsz = 336;
	vc.ehdr.e_machine = EM_AARCH64;
	assert_null(notes_layout(&vc, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields_inside_descriptors),
		cmocka_unit_test(decode_big_endian),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
