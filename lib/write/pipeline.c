/* The writer for a source and a format (write/pipeline.h). */
#include "core/vmcore.h"
#include "write/elfcopy.h"
#include "write/elfwrite.h"
#include "write/kdumpwrite.h"
#include "write/pipeline.h"

int dump_vmcore(const struct vmcore *vc, struct dump_target *t, const struct dump_opts *o)
{
	if (o->format == DUMP_FORMAT_KDUMP)
		return dump_vmcore_kdump(vc, t, o);
	/* A kdump-compressed source has no ELF layout to copy. */
	if (vc->kdump)
		return dump_elf_pages(vc, t, o);
	return dump_elf_copy(vc, t, o);
}
