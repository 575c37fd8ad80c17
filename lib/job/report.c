/* The reports vmcore-inspect prints about a dump (info, notes), as text
 * or as JSON (docs/JSON.md). Here, not in the applet, so that every
 * caller (the rescue menu runs the applet today; triage and the dump's
 * own info.json are next) prints them the same way. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/dumpbox.h"
#include "base/json.h"
#include "core/kdump.h"
#include "core/notes.h"
#include "core/vmcore.h"
#include "job/inspect.h"
#include "job/report.h"

static const char *byte_order(const struct vmcore *vc)
{
	return vc->data == ELFDATA2MSB ? "big-endian" : "little-endian";
}

/* Text from the dump for a terminal: no control bytes. */
static const char *printable(char *s)
{
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return s;
}

/* CRASHTIME as a UTC date; 0, or -1 if it is not a time. */
static int crash_date(const char *crashtime, char *buf, size_t len, int iso)
{
	uint64_t secs;
	time_t t;
	struct tm tm;

	if (parse_u64(crashtime, &secs) < 0 || secs > (uint64_t)INT32_MAX * 64)
		return -1;
	t = (time_t)secs;
	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, len, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &tm))
		return -1;
	return 0;
}

/* info of a kdump-compressed file: what its header says. */
static void kdump_info_json(struct json *j, const struct kdump *kd)
{
	json_object(j, "kdump");
	json_i64(j, "header_version", kd->h.header_version);
	json_u64(j, "block_size", kd->page_size);
	json_str(j, "compression", kdump_compression(kd));
	json_i64(j, "dump_level", kd->h.dump_level);
	json_u64(j, "max_mapnr", kd->max_mapnr);
	json_u64(j, "pages_ram", kd->pages_ram);
	json_u64(j, "pages_dumped", kd->pages_dumped);
	json_i64(j, "phys_base", (int64_t)kd->h.phys_base);
	json_bool(j, "split", kd->h.split != 0);
	json_bool(j, "incomplete", kd->incomplete);
	json_end(j);
}

static void kdump_info_text(FILE *out, const struct kdump *kd)
{
	fprintf(out, "Compression:     %s\n", kdump_compression(kd));
	fprintf(out, "Dump level:      %" PRId32 "\n", kd->h.dump_level);
	fprintf(out, "Pages:           %" PRIu64 " dumped of %" PRIu64 " in RAM (%" PRIu64
	       " left out)\n", kd->pages_dumped, kd->pages_ram, kd->pages_ram - kd->pages_dumped);
}

/* What info says, gathered once for both forms. */
struct report_info {
	const struct vmcore *vc;
	const struct kdump *kd;
	const char *path;
	uint64_t file_size;
	char release[128], pagesize[32], crashtime[32], date[40];
	uint64_t missing, dumped;
	int have_release, have_page, have_time, have_date, have_uts, rc;
	struct inspect_uts uts;
	const char *why;
};

static void info_json(FILE *out, const struct report_info *in)
{
	const struct vmcore *vc = in->vc;
	const struct kdump *kd = in->kd;
	struct json j;

	json_init(&j, out);
	json_object(&j, NULL);
	json_str(&j, "file", in->path);
	json_str(&j, "arch", vmcore_arch(vc));
	json_u64(&j, "machine", vc->ehdr.e_machine);
	json_str(&j, "byte_order", byte_order(vc));
	json_u64(&j, "elf_class", vc->elfclass == ELFCLASS64 ? 64 : 32);
	json_str(&j, "kernel_release", in->have_release ? in->release : NULL);
	json_str(&j, "node_name", in->have_uts ? in->uts.nodename : NULL);
	if (in->have_uts) {
		json_object(&j, "uts");
		json_str(&j, "sysname", in->uts.sysname);
		json_str(&j, "nodename", in->uts.nodename);
		json_str(&j, "release", in->uts.release);
		json_str(&j, "version", in->uts.version);
		json_str(&j, "machine", in->uts.machine);
		json_str(&j, "domainname", in->uts.domainname);
		json_end(&j);
	} else {
		json_null(&j, "uts");
	}
	json_str(&j, "crash_time", in->have_time ? in->crashtime : NULL);
	json_str(&j, "crash_time_utc", in->have_date ? in->date : NULL);
	json_str(&j, "page_size", in->have_page ? in->pagesize : NULL);
	json_u64(&j, "cpus", notes_cpus(vc));
	json_u64(&j, "notes", vc->nnotes);
	json_bool(&j, "vmcoreinfo", vc->vmcoreinfo != NULL);
	json_str(&j, "vmcoreinfo_source", vc->vmcoreinfo ? vc->vmcoreinfo_src : NULL);
	json_array(&j, "segments");
	for (size_t i = 0; i < vc->nloads; i++) {
		const struct vmcore_segment *s = &vc->loads[i];

		json_object(&j, NULL);
		json_u64(&j, "paddr", s->paddr);
		json_u64(&j, "vaddr", s->vaddr);
		if (s->offset == VMCORE_NO_OFFSET)
			json_null(&j, "offset");
		else
			json_u64(&j, "offset", s->offset);
		json_u64(&j, "filesz", s->filesz);
		json_u64(&j, "memsz", s->memsz);
		json_end(&j);
	}
	json_end(&j);
	json_u64(&j, "dumped_bytes", in->dumped);
	json_u64(&j, "file_size", in->file_size);
	json_u64(&j, "expected_size", kd ? kd->expected_size : vc->expected_size);
	json_bool(&j, "complete", in->rc == EXIT_OK);
	json_u64(&j, "missing_bytes", in->missing);
	json_str(&j, "format", kd ? "kdump" : "elf");
	if (kd)
		kdump_info_json(&j, kd);
	else
		json_null(&j, "kdump");
	json_finish(&j);
}

static void info_text(FILE *out, struct report_info *in)
{
	const struct vmcore *vc = in->vc;
	const struct kdump *kd = in->kd;

	fprintf(out, "File:            %s\n", in->path);
	if (kd) {
		char machine[KDUMP_UTS_LEN];

		fprintf(out, "Format:          kdump-compressed (header version %" PRId32 ")\n",
		       kd->h.header_version);
		snprintf(machine, sizeof(machine), "%s", kd->h.utsname[4]);
		fprintf(out, "Architecture:    %s (utsname machine '%s')\n", vmcore_arch(vc),
		       printable(machine));
	} else {
		fprintf(out, "Format:          ELF core\n");
		fprintf(out, "Architecture:    %s (ELF machine %u)\n", vmcore_arch(vc), vc->ehdr.e_machine);
	}
	fprintf(out, "Byte order:      %s\n", byte_order(vc));
	if (!kd)
		fprintf(out, "ELF class:       ELF%d\n", vc->elfclass == ELFCLASS64 ? 64 : 32);
	fprintf(out, "Kernel release:  %s\n",
	       in->have_release ? printable(in->release) : "unknown (no VMCOREINFO)");
	/* Only where it is news: not in the file's notes. */
	if (vc->vmcoreinfo_in_memory)
		fprintf(out, "VMCOREINFO:      from %s (not among the file's notes; a kdump "
			"file made of it carries it)\n", vc->vmcoreinfo_src);
	else if (!vc->vmcoreinfo && vc->vmcoreinfo_src[0])
		fprintf(out, "VMCOREINFO:      none: %s\n", vc->vmcoreinfo_src);
	if (in->have_uts)
		fprintf(out, "Node name:       %s\n", printable(in->uts.nodename));
	else
		fprintf(out, "Node name:       unknown (%s)\n", in->why);
	if (!in->have_time)
		fprintf(out, "Crash time:      unknown\n");
	else if (in->have_date)
		fprintf(out, "Crash time:      %s (%s)\n", in->crashtime, in->date);
	else
		fprintf(out, "Crash time:      %s (not a time)\n", printable(in->crashtime));
	fprintf(out, "Page size:       %s\n", in->have_page ? printable(in->pagesize) : "unknown");
	fprintf(out, "CPUs:            %zu\n", notes_cpus(vc));
	if (kd)
		kdump_info_text(out, kd);
	fprintf(out, "Memory ranges:   %zu%s\n", vc->nloads, kd ? " (RAM, by the 1st bitmap)" : "");
	if (kd)
		fprintf(out, "  %-18s %s\n", "physical", "size");
	else
		fprintf(out, "  %-18s %-18s %-18s %s\n", "physical", "virtual", "size", "file offset");
	for (size_t i = 0; i < vc->nloads; i++) {
		const struct vmcore_segment *s = &vc->loads[i];

		if (kd)
			fprintf(out, "  0x%016" PRIx64 " 0x%016" PRIx64 "\n", s->paddr, s->memsz);
		else
			fprintf(out, "  0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64 " 0x%" PRIx64 "\n",
			       s->paddr, s->vaddr, s->memsz, s->offset);
	}
	fprintf(out, "Dumped bytes:    %" PRIu64 " (%" PRIu64 " MiB)\n", in->dumped, in->dumped >> 20);
	if (in->rc == EXIT_INCOMPLETE)
		fprintf(out, "Complete:        no: marked INCOMPLETE by the dump tool (the target was "
		       "full); the pages it holds are valid\n");
	else if (in->missing)
		fprintf(out, "Complete:        no: truncated, %" PRIu64 " bytes missing "
		       "(file has %" PRIu64 " of %" PRIu64 ")\n",
		       in->missing, in->file_size, kd ? kd->expected_size : vc->expected_size);
	else
		fprintf(out, "Complete:        yes\n");
}

int report_info(FILE *out, const char *path, uint64_t file_size, const struct vmcore *vc,
		int json)
{
	struct report_info in = { .vc = vc, .kd = vc->kdump, .path = path, .file_size = file_size };

	in.missing = vmcore_missing_bytes(vc);
	/* A dump its writer marked INCOMPLETE is what it says; a file cut
	 * short is damaged. */
	in.rc = in.kd && in.kd->incomplete ? EXIT_INCOMPLETE : in.missing ? EXIT_DAMAGED : EXIT_OK;
	in.dumped = inspect_dumped_bytes(vc);
	in.have_release = vmcoreinfo_get(vc, "OSRELEASE", in.release, sizeof(in.release)) == 0;
	in.have_page = vmcoreinfo_get(vc, "PAGESIZE", in.pagesize, sizeof(in.pagesize)) == 0;
	in.have_time = vmcoreinfo_get(vc, "CRASHTIME", in.crashtime, sizeof(in.crashtime)) == 0;
	in.have_date = in.have_time && crash_date(in.crashtime, in.date, sizeof(in.date), json) == 0;
	in.have_uts = inspect_uts(vc, &in.uts, &in.why) == 0;
	if (json)
		info_json(out, &in);
	else
		info_text(out, &in);
	return in.rc;
}

/* ---- notes ------------------------------------------------------------- */

static void print_fields(FILE *out, const struct vmcore *vc, const struct vmcore_note *n,
			 const struct note_layout *l)
{
	size_t per_line = 3, col = 0;
	char hex[NOTES_HEX_MAX];

	for (size_t i = 0; i < l->nfields; i++)
		if (l->fields[i].size > 8)
			per_line = 2;
	for (size_t i = 0; i < l->nfields; i++) {
		const struct note_field *f = &l->fields[i];

		int last = ++col == per_line || i + 1 == l->nfields;

		/* Columns line up; no line ends in blanks. */
		fprintf(out, "%s%-9s %-*s", col > 1 ? "  " : "      ", f->name, last ? 0 : 18,
		       notes_field_hex(vc, n, f, hex, sizeof(hex)));
		if (last) {
			fputc('\n', out);
			col = 0;
		}
	}
}

void report_notes(FILE *out, const char *path, const struct vmcore *vc, int json)
{
	size_t cpu = 0;
	struct json j;

	if (json) {
		json_init(&j, out);
		json_object(&j, NULL);
		json_str(&j, "file", path);
		json_str(&j, "arch", vmcore_arch(vc));
		json_str(&j, "byte_order", byte_order(vc));
		json_bool(&j, "damaged", vc->notes_damaged);
		json_array(&j, "notes");
	} else {
		fprintf(out, "%zu notes%s\n", vc->nnotes,
		       vc->notes_damaged ? " (and damaged ones after them: see verify)" : "");
	}
	for (size_t i = 0; i < vc->nnotes; i++) {
		const struct vmcore_note *n = &vc->notes[i];
		const struct note_layout *l = notes_layout(vc, n);
		const char *tname = notes_type_name(n);
		int prstatus = n->type == NT_PRSTATUS && strcmp(n->name, "CORE") == 0;
		int64_t pid = notes_pid(vc, n);
		char hex[NOTES_HEX_MAX];

		if (json) {
			json_object(&j, NULL);
			json_u64(&j, "index", i);
			json_str(&j, "name", n->name);
			json_u64(&j, "type", n->type);
			json_str(&j, "type_name", tname);
			json_u64(&j, "size", n->descsz);
			json_u64(&j, "offset", n->offset);
			if (prstatus)
				json_u64(&j, "cpu", cpu);
			else
				json_null(&j, "cpu");
			if (pid >= 0)
				json_i64(&j, "pid", pid);
			else
				json_null(&j, "pid");
			if (l) {
				json_object(&j, "registers");
				for (size_t k = 0; k < l->nfields; k++)
					json_str(&j, l->fields[k].name,
						 notes_field_hex(vc, n, &l->fields[k], hex, sizeof(hex)));
				json_end(&j);
			} else {
				json_null(&j, "registers");
			}
			json_end(&j);
		} else {
			char name[32];

			snprintf(name, sizeof(name), "%s", n->name);
			fprintf(out, "  %-3zu %-10s %-18s 0x%-8" PRIx32 " %6" PRIu32 " bytes at 0x%" PRIx64 "\n",
			       i, printable(name), tname ? tname : "-", n->type, n->descsz, n->offset);
			if (prstatus && pid >= 0)
				fprintf(out, "      CPU %zu, pid %" PRId64 "\n", cpu, pid);
			if (l)
				print_fields(out, vc, n, l);
		}
		if (prstatus)
			cpu++;
	}
	if (json)
		json_finish(&j);
}

