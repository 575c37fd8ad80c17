/* vmcore-inspect: answer the first questions about a crash dump (what
 * kernel, when, which CPUs, is it complete) from the dump alone, on any
 * host and for either byte order. */
//applet:vmcore-inspect
//config:config VMCORE_INSPECT
//config:	bool "vmcore-inspect: read a vmcore without vmlinux"
//config:	default y
//config:	help
//config:	  usage: vmcore-inspect COMMAND [OPTIONS] VMCORE
//config:
//config:	  Read a Linux crash dump (an ELF core such as /proc/vmcore or a
//config:	  saved copy of it; a file or a block device) of any architecture
//config:	  and byte order.
//config:
//config:	  Commands:
//config:	    info VMCORE     architecture, byte order, kernel release, crash
//config:	                    time, CPUs, memory ranges, and whether the
//config:	                    file is complete or truncated
//config:
//config:	  Options:
//config:	    --json          machine-readable output (docs/JSON.md)
//config:	    --help          this text
//config:
//config:	  Exit status: 0 success, 1 damaged input, 2 not a vmcore,
//config:	  64 usage error.

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "dumpbox.h"
#include "json.h"
#include "vmcore.h"

struct inspect {
	const char *path;
	int json;
	struct window win;
	struct vmcore vc;
};

static void open_core(struct inspect *ctx)
{
	int rc;

	if (window_open(&ctx->win, ctx->path) < 0)
		die(errno == ENOENT || errno == EISDIR || errno == EINVAL ? EXIT_NOT_OURS
									   : EXIT_DAMAGED,
		    "%s:", ctx->path);
	rc = vmcore_open(&ctx->vc, &ctx->win);
	if (rc)
		die(rc, "%s: %s", ctx->path, ctx->vc.err);
}

static size_t count_cpus(const struct vmcore *vc)
{
	size_t n = 0;

	for (size_t i = 0; i < vc->nnotes; i++)
		if (vc->notes[i].type == NT_PRSTATUS && strcmp(vc->notes[i].name, "CORE") == 0)
			n++;
	return n;
}

static uint64_t dumped_bytes(const struct vmcore *vc)
{
	uint64_t total = 0;

	for (size_t i = 0; i < vc->nloads; i++)
		total += vc->loads[i].filesz;
	return total;
}

static int cmd_info(struct inspect *ctx)
{
	const struct vmcore *vc = &ctx->vc;
	const char *order = vc->data == ELFDATA2MSB ? "big-endian" : "little-endian";
	char release[128], pagesize[32], crashtime[32];
	uint64_t missing = vmcore_missing_bytes(vc);
	int have_release = vmcoreinfo_get(vc, "OSRELEASE", release, sizeof(release)) == 0;
	int have_page = vmcoreinfo_get(vc, "PAGESIZE", pagesize, sizeof(pagesize)) == 0;
	int have_time = vmcoreinfo_get(vc, "CRASHTIME", crashtime, sizeof(crashtime)) == 0;

	if (ctx->json) {
		struct json j;

		json_init(&j, stdout);
		json_object(&j, NULL);
		json_str(&j, "file", ctx->path);
		json_str(&j, "arch", vmcore_arch(vc));
		json_u64(&j, "machine", vc->ehdr.e_machine);
		json_str(&j, "byte_order", order);
		json_u64(&j, "elf_class", vc->elfclass == ELFCLASS64 ? 64 : 32);
		json_str(&j, "kernel_release", have_release ? release : NULL);
		json_str(&j, "crash_time", have_time ? crashtime : NULL);
		json_str(&j, "page_size", have_page ? pagesize : NULL);
		json_u64(&j, "cpus", count_cpus(vc));
		json_u64(&j, "notes", vc->nnotes);
		json_bool(&j, "vmcoreinfo", vc->vmcoreinfo != NULL);
		json_array(&j, "segments");
		for (size_t i = 0; i < vc->nloads; i++) {
			const struct vmcore_segment *s = &vc->loads[i];

			json_object(&j, NULL);
			json_u64(&j, "paddr", s->paddr);
			json_u64(&j, "vaddr", s->vaddr);
			json_u64(&j, "offset", s->offset);
			json_u64(&j, "filesz", s->filesz);
			json_u64(&j, "memsz", s->memsz);
			json_end(&j);
		}
		json_end(&j);
		json_u64(&j, "dumped_bytes", dumped_bytes(vc));
		json_u64(&j, "file_size", ctx->win.size);
		json_u64(&j, "expected_size", vc->expected_size);
		json_bool(&j, "complete", missing == 0);
		json_u64(&j, "missing_bytes", missing);
		json_finish(&j);
		return missing ? EXIT_DAMAGED : EXIT_OK;
	}

	printf("File:            %s\n", ctx->path);
	printf("Architecture:    %s (ELF machine %u)\n", vmcore_arch(vc), vc->ehdr.e_machine);
	printf("Byte order:      %s\n", order);
	printf("ELF class:       ELF%d\n", vc->elfclass == ELFCLASS64 ? 64 : 32);
	printf("Kernel release:  %s\n", have_release ? release : "unknown (no VMCOREINFO)");
	printf("Crash time:      %s\n", have_time ? crashtime : "unknown");
	printf("Page size:       %s\n", have_page ? pagesize : "unknown");
	printf("CPUs:            %zu\n", count_cpus(vc));
	printf("Memory ranges:   %zu\n", vc->nloads);
	printf("  %-18s %-18s %-18s %s\n", "physical", "virtual", "size", "file offset");
	for (size_t i = 0; i < vc->nloads; i++) {
		const struct vmcore_segment *s = &vc->loads[i];

		printf("  0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64 " 0x%" PRIx64 "\n",
		       s->paddr, s->vaddr, s->memsz, s->offset);
	}
	printf("Dumped bytes:    %" PRIu64 "\n", dumped_bytes(vc));
	if (missing)
		printf("Complete:        no: truncated, %" PRIu64 " bytes missing "
		       "(file has %" PRIu64 " of %" PRIu64 ")\n",
		       missing, ctx->win.size, vc->expected_size);
	else
		printf("Complete:        yes\n");
	return missing ? EXIT_DAMAGED : EXIT_OK;
}

int vmcore_inspect_main(int argc, char **argv)
{
	enum { OPT_JSON = 256 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct inspect ctx = { 0 };
	const char *cmd;
	int c, rc;

	if (argc < 2)
		usage_error("missing command");
	cmd = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			ctx.json = 1;
			break;
		default:
			usage_error("bad option");
		}
	}
	if (strcmp(cmd, "info") != 0)
		usage_error("unknown command '%s'", cmd);
	if (argc - optind != 1)
		usage_error("%s takes one VMCORE", cmd);
	ctx.path = argv[optind];
	open_core(&ctx);
	rc = cmd_info(&ctx);
	vmcore_close(&ctx.vc);
	window_close(&ctx.win);
	return rc;
}
