/* The ELF core a source converts to (core/elflayout.h): program headers
 * as /proc/vmcore has them, the notes, then the pages. */
#include <gelf.h>

#include "core/elflayout.h"
#include "core/kdump.h"
#include "core/vaddr.h"
#include "core/vmcore.h"

uint64_t elf_text_part(const struct kernel_maps *km, uint64_t pa, uint64_t len, uint64_t *start)
{
	uint64_t lo = pa > km->text_start ? pa : km->text_start;
	uint64_t hi = pa + len < km->text_end ? pa + len : km->text_end;

	if (!km->have_text || lo >= hi)
		return 0;
	*start = lo;
	return hi - lo;
}

uint64_t vmcore_elf_size(const struct vmcore *vc)
{
	const struct kdump *kd = vc->kdump;
	struct kernel_maps km;
	uint64_t runs = 0, notes, head, lo;

	if (!kd)
		return vc->expected_size;
	vmcore_kernel_maps(vc, &km);
	/* A run and, where it holds some of the kernel image, its alias. */
	for (uint64_t pfn = kdump_next_dumped(kd, 0), end; pfn != UINT64_MAX;
	     pfn = kdump_next_dumped(kd, end)) {
		end = kdump_run_end(kd, pfn, 0);
		runs += 1 + (elf_text_part(&km, pfn * kd->page_size, (end - pfn) * kd->page_size, &lo) != 0);
	}
	notes = kd->h.size_note;
	if (vc->vmcoreinfo && !vmcore_find_note(vc, "VMCOREINFO", 0))
		notes += 12 + 12 + ((vc->vmcoreinfo_len + 3) & ~(uint64_t)3);
	head = sizeof(Elf64_Ehdr) + (runs + 1) * sizeof(Elf64_Phdr) +
	       (runs + 1 >= PN_XNUM ? sizeof(Elf64_Shdr) : 0) + notes;
	return (head + kd->page_size - 1) / kd->page_size * kd->page_size +
	       kd->pages_dumped * kd->page_size;
}
