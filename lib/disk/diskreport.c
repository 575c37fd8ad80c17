/* What diskprep info says about a dump disk (disk/diskreport.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/dumpbox.h"
#include "base/json.h"
#include "core/crashreport.h"
#include "disk/diskreport.h"
#include "disk/dumpdisk.h"

/* The crash report in the log the disk keeps: written before the dump,
 * so it is there even when the dump is not. NULL when it has none. */
static struct crash_report *report_of(const char *log, size_t len)
{
	struct crash_report *r;

	if (!log || !len)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	crash_report_text(r, log, len);
	if (!r->have_report) {
		free(r);
		return NULL;
	}
	return r;
}

void diskreport_json(FILE *out, const char *dev, const struct dumpdisk *d, const char *log,
		     size_t loglen)
{
	const struct dumpdisk_info *in = &d->info;
	struct json j;

	json_init(&j, out);
	json_object(&j, NULL);
	json_str(&j, "device", dev);
	json_str(&j, "layout", dumpdisk_layout_name(d->layout));
	if (d->partno)
		json_u64(&j, "partition", d->partno);
	json_u64(&j, "partition_start", d->region_start);
	json_u64(&j, "partition_size", d->region_size);
	json_u64(&j, "dump_offset", d->dump_base - d->region_start);
	json_u64(&j, "dump_area_size", in->capacity);
	if (d->layout == DUMPDISK_OURS) {
		json_u64(&j, "version", d->sb.version);
		json_str(&j, "uuid", in->uuid);
		json_str(&j, "label", in->label);
		json_u64(&j, "block_size", d->sb.block_size);
		json_u64(&j, "generation", in->generation);
		json_bool(&j, "primary_ok", d->primary_ok);
		json_bool(&j, "backup_ok", d->backup_ok);
	} else {
		json_u64(&j, "superblock_offset", d->z.sb_off);
		json_u64(&j, "version", d->z.sb.version);
		json_bool(&j, "checksum_ok", d->z.csum_ok);
	}
	json_str(&j, "state", dumpdisk_state_name(in->state));
	json_bool(&j, "extracted", !!(in->flags & DUMPDISK_F_EXTRACTED));
	json_str(&j, "format", dumpdisk_format_name(in->format));
	json_u64(&j, "dump_bytes", in->dump_bytes);
	json_str(&j, "kernel_release", in->kernel_release[0] ? in->kernel_release : NULL);
	json_u64(&j, "crash_time", in->crash_time);
	json_u64(&j, "begin_time", in->begin_time);
	json_u64(&j, "finish_time", in->finish_time);
	json_str(&j, "writer", in->writer[0] ? in->writer : NULL);
	json_str(&j, "reason", in->reason[0] ? in->reason : NULL);
	if (in->flags & DUMPDISK_F_DATA_CRC) {
		char c[16];

		snprintf(c, sizeof(c), "%08x", in->data_crc);
		json_str(&j, "crc32", c);
	} else {
		json_null(&j, "crc32");
	}
	json_str(&j, "note", in->note);
	if (log)
		json_strn(&j, "log", log, loglen);
	else
		json_null(&j, "log");
	struct crash_report *r = report_of(log, loglen);

	if (r) {
		json_object(&j, "triage");
		json_str(&j, "kind", r->kind);
		json_str(&j, "report", r->report);
		json_str(&j, "panic", r->panic[0] ? r->panic : NULL);
		json_str(&j, "signature", r->signature);
		json_end(&j);
		free(r);
	} else {
		json_null(&j, "triage");
	}
	json_finish(&j);
}

void diskreport_text(FILE *out, const char *dev, const struct dumpdisk *d, int have_log)
{
	const struct dumpdisk_info *in = &d->info;
	char t[64];

	fprintf(out, "Device:          %s\n", dev);
	fprintf(out, "Layout:          %s\n", d->layout == DUMPDISK_ZIPL ? "zipl SCSI dump" : "dumpbox");
	if (d->partno)
		fprintf(out, "Partition:       %u\n", d->partno);
	fprintf(out, "Partition start: %" PRIu64 "\n", d->region_start);
	fprintf(out, "Partition size:  %" PRIu64 " (%.1f MiB)\n", d->region_size, mib(d->region_size));
	fprintf(out, "Dump area:       %" PRIu64 " bytes at offset %" PRIu64 " (%.1f MiB)\n",
	       in->capacity, d->dump_base - d->region_start, mib(in->capacity));
	if (d->layout == DUMPDISK_OURS) {
		fprintf(out, "Version:         %u\n", d->sb.version);
		fprintf(out, "UUID:            %s\n", in->uuid);
		fprintf(out, "Label:           %s\n", in->label[0] ? in->label : "(none)");
		fprintf(out, "Superblocks:     primary %s, backup %s (generation %" PRIu64 ")\n",
		       d->primary_ok ? "ok" : "DAMAGED", d->backup_ok ? "ok" : "DAMAGED",
		       in->generation);
	} else {
		fprintf(out, "Superblock:      byte %" PRIu64 ", version %" PRIu64 ", checksum %s\n",
		       d->z.sb_off, d->z.sb.version, d->z.csum_ok ? "ok" : "MISMATCH");
	}
	fprintf(out, "State:           %s%s\n", dumpdisk_state_name(in->state),
	       in->flags & DUMPDISK_F_EXTRACTED ? " (extracted)" : "");
	if (in->state != DUMPDISK_EMPTY) {
		fprintf(out, "Format:          %s\n", dumpdisk_format_name(in->format));
		fprintf(out, "Dump size:       %" PRIu64 " (%.1f MiB)\n", in->dump_bytes, mib(in->dump_bytes));
		fprintf(out, "Kernel release:  %s\n", in->kernel_release[0] ? in->kernel_release : "unknown");
		fprintf(out, "Crash time:      %s\n", utc_time(in->crash_time, t, sizeof(t)));
		fprintf(out, "Written:         %s\n", utc_time(in->finish_time ? in->finish_time : in->begin_time,
						      t, sizeof(t)));
		fprintf(out, "Writer:          %s\n", in->writer[0] ? in->writer : "unknown");
		if (in->flags & DUMPDISK_F_DATA_CRC)
			fprintf(out, "Checksum:        crc32 %08x\n", in->data_crc);
		if (in->reason[0])
			fprintf(out, "Reason:          %s\n", in->reason);
		fprintf(out, "Log:             %s\n", have_log ? "saved (diskprep info --json shows it)" : "none");
	}
	if (in->note)
		fprintf(out, "Note:            %s\n", in->note);
}
