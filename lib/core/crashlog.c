#include <stddef.h>
#include <string.h>

#include "base/dumpbox.h"
#include "core/crashlog.h"

/* How the kernel starts the reports that end in a panic: x86's and
 * s390's oopses, BUG(), WARN() with panic_on_warn, lockups, sysrq c. */
static const char *const starts[] = {
	"sysrq: Trigger a crash", "BUG:", "Oops:", "general protection fault",
	"Unable to handle kernel", "WARNING:", "watchdog: BUG:", "Krnl PSW",
};

#define REPORT_LINES 80

unsigned crashlog_report_start(const char *const *line, unsigned n)
{
	unsigned panic = n;

	for (unsigned i = n; i-- > 0;)
		if (strstr(line[i], "Kernel panic - not syncing")) {
			panic = i;
			break;
		}
	if (panic == n)
		return n;
	/* Back to the earliest report line, but not into an earlier crash's
	 * report (a panic before this one ended that). */
	unsigned from = panic > REPORT_LINES ? panic - REPORT_LINES : 0;

	for (unsigned i = panic; i-- > from;)
		if (strstr(line[i], "Kernel panic - not syncing")) {
			from = i + 1;
			break;
		}
	for (unsigned i = from; i < panic; i++)
		for (size_t k = 0; k < ARRAY_SIZE(starts); k++)
			if (strstr(line[i], starts[k]))
				return i;
	return panic;
}
