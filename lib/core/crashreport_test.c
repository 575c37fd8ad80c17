/* Triage of the crash report in a log: what kind of crash, which task,
 * which taint, the trace as the kernel printed it, and a signature that
 * does not change with addresses, PIDs, time stamps or KASLR, but does
 * with the bug. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/dumpbox.h"
#include "core/crashreport.h"

/* A NULL dereference in a module, x86_64, as 6.1 prints it. */
static const char *const null_deref[] = {
	"[   12.000001] Run /init as init process",
	"[  131.204512] BUG: kernel NULL pointer dereference, address: 0000000000000008",
	"[  131.204530] #PF: supervisor read access in kernel mode",
	"[  131.204544] Oops: 0000 [#1] PREEMPT SMP NOPTI",
	"[  131.204559] CPU: 3 PID: 4242 Comm: modprobe Tainted: G           OE      6.1.0-57-amd64 #1  Debian 6.1.192-3",
	"[  131.204580] RIP: 0010:bad_init+0x11/0x20 [crashme]",
	"[  131.204600] Call Trace:",
	"[  131.204601]  <TASK>",
	"[  131.204610]  ? __die_body.cold+0x1a/0x1f",
	"[  131.204620]  ? page_fault_oops+0xd2/0x2b0",
	"[  131.204630]  bad_init+0x11/0x20 [crashme]",
	"[  131.204640]  do_one_initcall+0x56/0x220",
	"[  131.204650]  do_init_module+0x4a/0x1f0",
	"[  131.204660]  __do_sys_finit_module+0xac/0x120",
	"[  131.204670]  do_syscall_64+0x5b/0xc0",
	"[  131.204680]  entry_SYSCALL_64_after_hwframe+0x64/0xce",
	"[  131.204690]  </TASK>",
	"[  131.204700] Kernel panic - not syncing: Fatal exception",
};

static void report_lines(struct crash_report *t, const char *const *lines, unsigned n)
{
	memset(t, 0, sizeof(*t));
	crash_report_read(t, lines, n);
}

static void an_oops_names_its_kind_task_taint_and_trace(void **state)
{
	static struct crash_report t;

	(void)state;
	report_lines(&t, null_deref, ARRAY_SIZE(null_deref));
	assert_true(t.have_report);
	assert_string_equal(t.kind, "oops");
	assert_string_equal(t.report, "BUG: kernel NULL pointer dereference, address: 0000000000000008");
	assert_string_equal(t.panic, "Kernel panic - not syncing: Fatal exception");
	assert_int_equal(t.uptime_ns, 131204512000ull);
	assert_true(t.have_task);
	assert_int_equal(t.log_cpu, 3);
	assert_int_equal(t.log_pid, 4242);
	assert_string_equal(t.comm, "modprobe");
	assert_string_equal(t.taint, "GOE");
	assert_non_null(strstr(t.taint_text, "O: out-of-tree module loaded"));
	assert_non_null(strstr(t.taint_text, "E: unsigned module loaded"));
	assert_int_equal(t.nframes, 8);
	assert_true(t.frames[0].unreliable);
	assert_string_equal(t.frames[2].name, "bad_init");
	assert_string_equal(t.frames[2].module, "[crashme]");
	assert_false(t.frames[3].unreliable);
}

/* The same bug on another machine: other addresses, PID, CPU, time,
 * taint, and the frames' offsets. */
static void the_same_bug_elsewhere_has_the_same_signature(void **state)
{
	static const char *const elsewhere[] = {
		"[ 5012.000100] BUG: kernel NULL pointer dereference, address: 0000000000000010",
		"[ 5012.000101] Oops: 0000 [#1] PREEMPT SMP PTI",
		"[ 5012.000102] CPU: 0 PID: 77 Comm: modprobe Tainted: G            E      6.1.0-57-amd64 #1  Debian 6.1.192-3",
		"[ 5012.000103] Call Trace:",
		"[ 5012.000104]  <TASK>",
		"[ 5012.000105]  ? show_regs.part.0+0x1e/0x24",
		"[ 5012.000110]  bad_init+0x11/0x20 [crashme]",
		"[ 5012.000111]  do_one_initcall+0x56/0x220",
		"[ 5012.000112]  do_init_module+0x4a/0x1f0",
		"[ 5012.000113]  __do_sys_finit_module+0xac/0x120",
		"[ 5012.000114]  do_syscall_64+0x5b/0xc0",
		"[ 5012.000115]  entry_SYSCALL_64_after_hwframe+0x64/0xce",
		"[ 5012.000120] Kernel panic - not syncing: Fatal exception",
	};
	static struct crash_report a, b;

	(void)state;
	report_lines(&a, null_deref, ARRAY_SIZE(null_deref));
	report_lines(&b, elsewhere, ARRAY_SIZE(elsewhere));
	assert_int_equal(a.sig_frames, 5);
	assert_string_equal(a.sig_text, b.sig_text);
	assert_string_equal(a.signature, b.signature);
	/* What was hashed: the normalized report, the panic, 5 functions. */
	assert_string_equal(a.sig_text,
			    "BUG: kernel NULL pointer dereference, address: ?\n"
			    "Kernel panic - not syncing: Fatal exception\n"
			    "bad_init\ndo_one_initcall\ndo_init_module\n__do_sys_finit_module\n"
			    "do_syscall_64");
}

static void another_bug_has_another_signature(void **state)
{
	static const char *const other[] = {
		"[   10.0] BUG: kernel NULL pointer dereference, address: 0000000000000008",
		"[   10.0] CPU: 3 PID: 4242 Comm: modprobe Not tainted 6.1.0 #1",
		"[   10.0] Call Trace:",
		"[   10.0]  other_init+0x11/0x20 [crashme]",
		"[   10.0]  do_one_initcall+0x56/0x220",
		"[   10.0] Kernel panic - not syncing: Fatal exception",
	};
	static struct crash_report a, b;

	(void)state;
	report_lines(&a, null_deref, ARRAY_SIZE(null_deref));
	report_lines(&b, other, ARRAY_SIZE(other));
	assert_string_not_equal(a.signature, b.signature);
	assert_string_equal(b.taint, "");
}

/* s390x prints each frame with its address. */
static void an_s390x_trace_reads_the_same(void **state)
{
	static const char *const s390[] = {
		"[    2.387074] sysrq: Trigger a crash",
		"[    2.387075] Kernel panic - not syncing: sysrq triggered crash",
		"[    2.387076] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-50-s390x #1  Debian 6.1.176-1",
		"[    2.387077] Hardware name: QEMU 8561 QEMU (KVM/Linux)",
		"[    2.387074] Call Trace:",
		"[    2.387235]  [<0000000000a2206a>] dump_stack_lvl+0x62/0x88 ",
		"[    2.387369]  [<0000000000a17d08>] panic+0x118/0x310 ",
		"[    2.387400]  [<00000000006bff7a>] __handle_sysrq+0xf2/0x198 ",
		"[    2.387414]  [<00000000006c05b4>] write_sysrq_trigger+0x54/0x70 ",
	};
	static struct crash_report t;

	(void)state;
	report_lines(&t, s390, ARRAY_SIZE(s390));
	assert_string_equal(t.kind, "sysrq");
	assert_int_equal(t.nframes, 4);
	assert_string_equal(t.frames[3].name, "write_sysrq_trigger");
	/* dump_stack_lvl and panic are the reporting path's. */
	assert_int_equal(t.sig_frames, 2);
	assert_string_equal(t.sig_text, "sysrq: Trigger a crash\n"
			    "Kernel panic - not syncing: sysrq triggered crash\n"
			    "__handle_sysrq\nwrite_sysrq_trigger");
}

static void a_log_without_a_crash_has_no_report(void **state)
{
	static const char *const calm[] = { "[    1.0] Linux version 6.1.0", "[    2.0] Run /init" };
	static struct crash_report t;

	(void)state;
	report_lines(&t, calm, ARRAY_SIZE(calm));
	assert_false(t.have_report);
	assert_int_equal(t.nframes, 0);
}

static void normalizing_drops_numbers_and_addresses(void **state)
{
	char out[128];

	(void)state;
	crash_normalize("INFO: task kworker/3:1:123 blocked for more than 120 seconds.", out,
			 sizeof(out));
	assert_string_equal(out, "INFO: task kworker/N:N:N blocked for more than N seconds.");
	crash_normalize("general protection fault, probably for non-canonical address "
			 "0xdead000000000100: 0000 [#1]", out, sizeof(out));
	assert_string_equal(out, "general protection fault, probably for non-canonical address "
			    "0x?: N [#N]");
	/* Names with digits keep them. */
	crash_normalize("WARNING: CPU: 1 PID: 9 at drivers/md/raid5.c:42 raid5_run+0x1/0x2",
			 out, sizeof(out));
	assert_string_equal(out, "WARNING: CPU: N PID: N at drivers/md/raid5.c:N raid5_run+0x?/0x?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_oops_names_its_kind_task_taint_and_trace),
		cmocka_unit_test(the_same_bug_elsewhere_has_the_same_signature),
		cmocka_unit_test(another_bug_has_another_signature),
		cmocka_unit_test(an_s390x_trace_reads_the_same),
		cmocka_unit_test(a_log_without_a_crash_has_no_report),
		cmocka_unit_test(normalizing_drops_numbers_and_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
