#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/bytes.h"
#include "base/dumpbox.h"
#include "base/err.h"
#include "core/kdump.h"
#include "core/lowcore.h"
#include "core/vmcore.h"

/* makedumpfile's flattened stream starts with this (NUL-terminated). */
#define FLAT_MAGIC "makedumpfile"

/* Virtual addresses no PT_LOAD covers are translated a page at a time. */
#define VMCORE_PAGE 4096u

#define fail(vc, status, ...) err_fail(&(vc)->err, status, __VA_ARGS__)

/* Read exactly len bytes at off of the window into a new buffer. */
static unsigned char *read_exact(struct vmcore *vc, uint64_t off, size_t len,
				 const char *what)
{
	unsigned char *buf = xmalloc(len ? len : 1);
	ssize_t n = window_pread(vc->win, buf, len, off);

	if (n < 0 || (size_t)n != len) {
		fail(vc, EXIT_DAMAGED, "%s at offset %" PRIu64 " (%zu bytes) %s",
		     what, off, len, n < 0 ? strerror(errno) : "is past the end of the file");
		free(buf);
		return NULL;
	}
	return buf;
}

/* A core needs no section headers, and QEMU's dump-guest-memory writes
 * junk ones (e_shstrndx pointing at a string table of the wrong byte
 * order). Hide them from libelf in our copy of the ELF header: e_shoff,
 * e_shnum and e_shstrndx become 0, except that with PN_XNUM section 0
 * holds the real program header count and stays (as the only section). */
static void hide_sections(struct vmcore *vc)
{
	int is64 = vc->elfclass == ELFCLASS64;
	unsigned char *h = vc->hdrbuf;
	size_t shoff = is64 ? 40 : 32, shoff_len = is64 ? 8 : 4;
	size_t phnum = is64 ? 56 : 44, shnum = is64 ? 60 : 48;

	h[shnum] = h[shnum + 1] = 0;
	h[shnum + 2] = h[shnum + 3] = 0;	/* e_shstrndx follows e_shnum */
	if (vmcore_u16(vc, h + phnum) == PN_XNUM)
		h[shnum + (vc->data == ELFDATA2MSB)] = 1;
	else
		memset(h + shoff, 0, shoff_len);
}

/* The headers: the ELF header, the program header table and, for cores
 * with more than 0xfffe segments, section header 0 that holds the real
 * count. Read once into one buffer that libelf parses with elf_memory(),
 * which works where elf_begin() does not (block devices, windows). */
static int read_headers(struct vmcore *vc)
{
	unsigned char ident[EI_NIDENT];
	ssize_t n = window_pread(vc->win, ident, sizeof(ident), 0);
	uint64_t end, phend;
	size_t ehsize;
	Elf *elf;

	if (n < 0)
		return fail(vc, EXIT_DAMAGED, "cannot read: %s", strerror(errno));
	if ((size_t)n < sizeof(ident) || memcmp(ident, ELFMAG, SELFMAG) != 0)
		return fail(vc, EXIT_NOT_OURS, "not an ELF file");
	if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64)
		return fail(vc, EXIT_NOT_OURS, "unknown ELF class %u", ident[EI_CLASS]);
	if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)
		return fail(vc, EXIT_NOT_OURS, "unknown ELF byte order %u", ident[EI_DATA]);
	vc->elfclass = ident[EI_CLASS];
	vc->data = ident[EI_DATA];
	ehsize = vc->elfclass == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);

	vc->hdrbuf = read_exact(vc, 0, ehsize, "ELF header");
	if (!vc->hdrbuf)
		return EXIT_NOT_OURS;
	vc->hdrlen = ehsize;
	hide_sections(vc);
	elf = elf_memory((char *)vc->hdrbuf, vc->hdrlen);
	if (!elf || !gelf_getehdr(elf, &vc->ehdr)) {
		if (elf)
			elf_end(elf);
		return fail(vc, EXIT_NOT_OURS, "bad ELF header: %s", elf_errmsg(-1));
	}
	elf_end(elf);
	if (vc->ehdr.e_type != ET_CORE)
		return fail(vc, EXIT_NOT_OURS, "an ELF file, but not a core dump (type %u)",
			    vc->ehdr.e_type);
	if (vc->ehdr.e_phnum == 0)
		return fail(vc, EXIT_DAMAGED, "ELF core without program headers");
	if (vc->ehdr.e_phentsize != (vc->elfclass == ELFCLASS64 ? sizeof(Elf64_Phdr)
							      : sizeof(Elf32_Phdr)))
		return fail(vc, EXIT_DAMAGED, "program header size %u is wrong for this ELF class",
			    vc->ehdr.e_phentsize);

	/* With PN_XNUM the count is in section header 0: load up to it first,
	 * ask libelf for the count, then load the whole table. */
	phend = vc->ehdr.e_phoff;
	if (vc->ehdr.e_phnum != PN_XNUM)
		phend += (uint64_t)vc->ehdr.e_phnum * vc->ehdr.e_phentsize;
	else if (vc->ehdr.e_shoff < ehsize ||
		 vc->ehdr.e_shentsize != (vc->elfclass == ELFCLASS64 ? sizeof(Elf64_Shdr)
								      : sizeof(Elf32_Shdr)) ||
		 vc->ehdr.e_shoff > VMCORE_MAX_HEADERS)
		return fail(vc, EXIT_DAMAGED, "e_phnum is PN_XNUM but section header 0 is missing");
	else
		phend = vc->ehdr.e_shoff + vc->ehdr.e_shentsize;
	if (vc->ehdr.e_phoff < ehsize || vc->ehdr.e_phoff > VMCORE_MAX_HEADERS)
		return fail(vc, EXIT_DAMAGED, "program header table offset %" PRIu64 " is absurd",
			    (uint64_t)vc->ehdr.e_phoff);
	for (int pass = 0; pass < 2; pass++) {
		if (phend > VMCORE_MAX_HEADERS)
			return fail(vc, EXIT_DAMAGED, "program header table (%" PRIu64
				    " bytes) is absurdly large", phend);
		if (phend > vc->hdrlen) {
			if (vc->elf)
				elf_end(vc->elf);
			vc->elf = NULL;
			free(vc->hdrbuf);
			vc->hdrbuf = read_exact(vc, 0, (size_t)phend, "program header table");
			if (!vc->hdrbuf)
				return EXIT_DAMAGED;
			vc->hdrlen = (size_t)phend;
			hide_sections(vc);
		}
		if (!vc->elf)
			vc->elf = elf_memory((char *)vc->hdrbuf, vc->hdrlen);
		if (!vc->elf || elf_getphdrnum(vc->elf, &vc->nphdr) != 0)
			return fail(vc, EXIT_DAMAGED, "cannot read the program headers: %s",
				    elf_errmsg(-1));
		if (vc->nphdr > VMCORE_MAX_HEADERS / vc->ehdr.e_phentsize)
			return fail(vc, EXIT_DAMAGED, "%zu program headers: absurd", vc->nphdr);
		end = vc->ehdr.e_phoff + (uint64_t)vc->nphdr * vc->ehdr.e_phentsize;
		if (end <= vc->hdrlen)
			return 0;
		phend = end;
	}
	return fail(vc, EXIT_DAMAGED, "program header count changed while reading it");
}

static int read_segments(struct vmcore *vc)
{
	uint64_t notes_total = 0;

	vc->loads = xcalloc(vc->nphdr ? vc->nphdr : 1, sizeof(*vc->loads));
	for (size_t i = 0; i < vc->nphdr; i++) {
		GElf_Phdr ph;
		uint64_t end;

		if (!gelf_getphdr(vc->elf, (int)i, &ph))
			return fail(vc, EXIT_DAMAGED, "program header %zu: %s", i, elf_errmsg(-1));
		end = ph.p_offset + ph.p_filesz;
		if (end < ph.p_offset)
			return fail(vc, EXIT_DAMAGED, "program header %zu: offset + size overflows", i);
		if (end > vc->expected_size)
			vc->expected_size = end;
		if (ph.p_type == PT_NOTE) {
			/* Compared before adding: a sum could wrap around. */
			if (ph.p_filesz > VMCORE_MAX_NOTES - notes_total)
				return fail(vc, EXIT_DAMAGED, "notes (%" PRIu64 " bytes and more) are "
					    "absurdly large", (uint64_t)ph.p_filesz);
			notes_total += ph.p_filesz;
		} else if (ph.p_type == PT_LOAD) {
			struct vmcore_segment *s = &vc->loads[vc->nloads++];

			s->paddr = ph.p_paddr;
			s->vaddr = ph.p_vaddr;
			s->offset = ph.p_offset;
			s->filesz = ph.p_filesz;
			s->memsz = ph.p_memsz < ph.p_filesz ? ph.p_filesz : ph.p_memsz;
			s->flags = ph.p_flags;
		}
	}
	return 0;
}

/* Index the notes of one note segment (seg: size bytes read from the
 * window at offset, owned by vc from now on): libelf converts the note
 * headers to host order (names and descriptors stay as the dumped machine
 * wrote them). A note that runs past its segment ends parsing of that
 * segment: what came before it is still used. */
static void parse_notes(struct vmcore *vc, unsigned char *seg, size_t size, uint64_t offset,
			size_t *cap)
{
	Elf_Data src, dst;
	size_t off = 0, name_off, desc_off, next;
	GElf_Nhdr nh;

	memset(&src, 0, sizeof(src));
	src.d_buf = seg;
	src.d_size = size;
	src.d_type = ELF_T_NHDR;
	src.d_version = EV_CURRENT;
	dst = src;
	/* A kdump file has no Elf handle; its notes are ELF64's. */
	if (!(vc->elf ? gelf_xlatetom(vc->elf, &dst, &src, (unsigned)vc->data)
		      : elf64_xlatetom(&dst, &src, (unsigned)vc->data))) {
		vc->notes_damaged = 1;
		free(seg);
		return;
	}
	/* Keep each segment's buffer alive: notes point into it. */
	vc->notebufs = xrealloc(vc->notebufs, (vc->nnotebufs + 1) * sizeof(seg));
	vc->notebufs[vc->nnotebufs++] = seg;
	while (off < dst.d_size &&
	       (next = gelf_getnote(&dst, off, &nh, &name_off, &desc_off)) != 0) {
		struct vmcore_note *n;

		if (vc->nnotes == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			vc->notes = xrealloc(vc->notes, *cap * sizeof(*vc->notes));
		}
		n = &vc->notes[vc->nnotes++];
		n->namesz = nh.n_namesz;
		n->type = nh.n_type;
		n->descsz = nh.n_descsz;
		n->desc = seg + desc_off;
		n->offset = offset + off;
		/* Names are NUL-terminated by the spec, not always in
		 * practice: make one that is. */
		if (nh.n_namesz && seg[name_off + nh.n_namesz - 1] == '\0')
			n->name = (const char *)seg + name_off;
		else
			n->name = "";
		off = next;
	}
	if (off < dst.d_size && dst.d_size - off >= 12)
		vc->notes_damaged = 1;
}

/* Every PT_NOTE's notes. */
static int read_notes(struct vmcore *vc)
{
	size_t cap = 0;

	for (size_t i = 0; i < vc->nphdr; i++) {
		GElf_Phdr ph;
		unsigned char *seg;

		if (!gelf_getphdr(vc->elf, (int)i, &ph) || ph.p_type != PT_NOTE || !ph.p_filesz)
			continue;
		seg = read_exact(vc, ph.p_offset, (size_t)ph.p_filesz, "note segment");
		if (!seg)
			return EXIT_DAMAGED;
		parse_notes(vc, seg, (size_t)ph.p_filesz, ph.p_offset, &cap);
	}
	return 0;
}

static void find_vmcoreinfo(struct vmcore *vc)
{
	const struct vmcore_note *n = vmcore_find_note(vc, "VMCOREINFO", 0);

	if (!n)
		return;
	vc->vmcoreinfo = xmalloc(n->descsz + 1u);
	memcpy(vc->vmcoreinfo, n->desc, n->descsz);
	vc->vmcoreinfo[n->descsz] = '\0';
	/* The kernel pads the note with NULs: the text ends at the first. */
	vc->vmcoreinfo_len = strlen(vc->vmcoreinfo);
	snprintf(vc->vmcoreinfo_src, sizeof(vc->vmcoreinfo_src), "the VMCOREINFO note");
}

static int read_phys(const void *vc, uint64_t addr, void *buf, size_t len)
{
	return vmcore_read_phys(vc, addr, buf, len);
}

/* A core without it (QEMU's dump-guest-memory) may still hold it in
 * memory, where s390's kernel says it is. */
static void vmcoreinfo_in_memory(struct vmcore *vc)
{
	struct err e;
	char how[128], *text = NULL;

	if (vc->vmcoreinfo || vc->ehdr.e_machine != EM_S390 || vc->elfclass != ELFCLASS64)
		return;
	if (s390_lowcore_vmcoreinfo(read_phys, vc, &text, how, sizeof(how), &e) < 0 || !text) {
		snprintf(vc->vmcoreinfo_src, sizeof(vc->vmcoreinfo_src), "%s", e.msg);
		return;
	}
	vc->vmcoreinfo = text;
	vc->vmcoreinfo_len = strlen(text);
	vc->vmcoreinfo_in_memory = 1;
	snprintf(vc->vmcoreinfo_src, sizeof(vc->vmcoreinfo_src), "memory, through %s", how);
}

/* ---- kdump-compressed files ---------------------------------------------- */

static uint16_t machine_of(const char *uts_machine)
{
	static const struct { const char *name; uint16_t machine; } map[] = {
		{ "x86_64", EM_X86_64 }, { "s390x", EM_S390 }, { "s390", EM_S390 },
		{ "aarch64", EM_AARCH64 }, { "arm64", EM_AARCH64 }, { "ppc64", EM_PPC64 },
		{ "ppc64le", EM_PPC64 }, { "riscv64", EM_RISCV }, { "mips64", EM_MIPS },
		{ "loongarch64", 258 /* EM_LOONGARCH */ },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcasecmp(uts_machine, map[i].name) == 0)	/* QEMU: "S390X" */
			return map[i].machine;
	return EM_NONE;
}

/* The memory ranges: the runs of the 1st bitmap (RAM), as /proc/vmcore's
 * PT_LOADs are. Pages inside them that the dump left out read as ERANGE. */
static void kdump_loads(struct vmcore *vc)
{
	const struct kdump *kd = vc->kdump;
	size_t cap = 0;

	for (uint64_t pfn = 0; pfn < kd->max_mapnr;) {
		uint64_t end = kdump_run_end(kd, pfn, 1);

		if (kdump_is_ram(kd, pfn)) {
			struct vmcore_segment *s;

			if (vc->nloads == cap) {
				cap = cap ? cap * 2 : 16;
				vc->loads = xrealloc(vc->loads, cap * sizeof(*vc->loads));
			}
			s = &vc->loads[vc->nloads++];
			memset(s, 0, sizeof(*s));
			s->paddr = pfn * kd->page_size;
			s->offset = VMCORE_NO_OFFSET;
			s->filesz = s->memsz = (end - pfn) * kd->page_size;
		}
		pfn = end;
	}
}

static int open_kdump(struct vmcore *vc)
{
	struct kdump *kd = xcalloc(1, sizeof(*kd));
	const struct kdump_header *h = &kd->h;
	size_t cap = 0;
	int rc = kdump_open(kd, vc->win, &vc->err);

	if (rc) {
		free(kd);
		return rc;
	}
	vc->kdump = kd;
	vc->elfclass = ELFCLASS64;	/* the format is LP64's */
	vc->data = h->big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	vc->ehdr.e_ident[EI_CLASS] = ELFCLASS64;
	vc->ehdr.e_ident[EI_DATA] = (unsigned char)vc->data;
	vc->ehdr.e_type = ET_CORE;
	vc->ehdr.e_machine = machine_of(h->utsname[4]);
	/* The notes are a copy of the crashed kernel's PT_NOTE. */
	if (h->size_note) {
		unsigned char *seg = read_exact(vc, h->offset_note, (size_t)h->size_note, "kdump notes");

		if (!seg)
			return EXIT_DAMAGED;
		parse_notes(vc, seg, (size_t)h->size_note, h->offset_note, &cap);
	}
	find_vmcoreinfo(vc);
	/* QEMU's files, and makedumpfile's without notes, have the text only. */
	if (!vc->vmcoreinfo && h->size_vmcoreinfo) {
		unsigned char *text = read_exact(vc, h->offset_vmcoreinfo, (size_t)h->size_vmcoreinfo,
						 "kdump VMCOREINFO");

		if (!text)
			return EXIT_DAMAGED;
		vc->vmcoreinfo = xrealloc(text, (size_t)h->size_vmcoreinfo + 1);
		vc->vmcoreinfo[h->size_vmcoreinfo] = '\0';
		vc->vmcoreinfo_len = strlen(vc->vmcoreinfo);
		snprintf(vc->vmcoreinfo_src, sizeof(vc->vmcoreinfo_src), "the kdump header");
	}
	kdump_loads(vc);
	vmcoreinfo_in_memory(vc);
	return 0;
}

int vmcore_open(struct vmcore *vc, const struct window *w)
{
	unsigned char magic[16];
	static uint64_t next_serial;
	int rc;

	memset(vc, 0, sizeof(*vc));
	vc->win = w;
	vc->serial = __atomic_add_fetch(&next_serial, 1, __ATOMIC_RELAXED);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail(vc, EXIT_DAMAGED, "libelf is out of date");
	if (window_pread(w, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, FLAT_MAGIC, sizeof(FLAT_MAGIC)) == 0)
		return fail(vc, EXIT_NOT_OURS, "a flattened dump stream (makedumpfile -F): "
			    "reassemble it first with 'vmcore-inspect convert STREAM FILE' "
			    "(or makedumpfile -R FILE < STREAM)");
	if (window_pread(w, magic, 8, 0) == 8 && memcmp(magic, KDUMP_SIGNATURE, 8) == 0)
		rc = open_kdump(vc);
	else
		rc = read_headers(vc);
	if (!rc && !vc->kdump)
		rc = read_segments(vc);
	if (!rc && !vc->kdump)
		rc = read_notes(vc);
	if (rc) {
		struct err err = vc->err;

		vmcore_close(vc);
		vc->err = err;
		return rc;
	}
	if (!vc->kdump) {
		find_vmcoreinfo(vc);
		vmcoreinfo_in_memory(vc);
	}
	return 0;
}

void vmcore_close(struct vmcore *vc)
{
	if (vc->kdump) {
		kdump_close(vc->kdump);
		free(vc->kdump);
	}
	if (vc->elf)
		elf_end(vc->elf);
	for (size_t i = 0; i < vc->nnotebufs; i++)
		free(vc->notebufs[i]);
	free(vc->notebufs);
	free(vc->notes);
	free(vc->loads);
	free(vc->hdrbuf);
	free(vc->vmcoreinfo);
	memset(vc, 0, sizeof(*vc));
}

uint64_t vmcore_missing_bytes(const struct vmcore *vc)
{
	uint64_t size = vc->win->size, missing = 0;

	if (vc->kdump)
		return vc->kdump->expected_size > size ? vc->kdump->expected_size - size : 0;

	for (size_t i = 0; i < vc->nloads; i++) {
		const struct vmcore_segment *s = &vc->loads[i];
		uint64_t end = s->offset + s->filesz;

		if (end > size)
			missing += end - (s->offset > size ? s->offset : size);
	}
	return missing;
}

const char *vmcore_arch(const struct vmcore *vc)
{
	switch (vc->ehdr.e_machine) {
	case EM_X86_64:	return "x86_64";
	case EM_386:	return "i386";
	case EM_S390:	return vc->elfclass == ELFCLASS64 ? "s390x" : "s390";
	case EM_AARCH64: return "aarch64";
	case EM_ARM:	return "arm";
	case EM_PPC64:	return "ppc64";
	case EM_PPC:	return "ppc";
	case EM_RISCV:	return "riscv64";
	case EM_MIPS:	return "mips";
	default:	return "unknown";
	}
}

/* The dumped machine's byte order, whatever the host's (lib/base/bytes.h). */
uint16_t vmcore_u16(const struct vmcore *vc, const void *p)
{
	return vc->data == ELFDATA2MSB ? get_be16(p) : get_le16(p);
}

uint32_t vmcore_u32(const struct vmcore *vc, const void *p)
{
	return vc->data == ELFDATA2MSB ? get_be32(p) : get_le32(p);
}

uint64_t vmcore_u64(const struct vmcore *vc, const void *p)
{
	return vc->data == ELFDATA2MSB ? get_be64(p) : get_le64(p);
}

size_t vmcore_ulong_size(const struct vmcore *vc)
{
	return vc->elfclass == ELFCLASS64 ? 8 : 4;
}

uint64_t vmcore_ulong(const struct vmcore *vc, const void *p)
{
	return vc->elfclass == ELFCLASS64 ? vmcore_u64(vc, p) : vmcore_u32(vc, p);
}

const struct vmcore_segment *vmcore_segment_at(const struct vmcore *vc, uint64_t addr,
					       int virt)
{
	for (size_t i = 0; i < vc->nloads; i++) {
		uint64_t start = virt ? vc->loads[i].vaddr : vc->loads[i].paddr;

		if (addr >= start && addr - start < vc->loads[i].memsz)
			return &vc->loads[i];
	}
	return NULL;
}

int vmcore_read_segment(const struct vmcore *vc, const struct vmcore_segment *s, uint64_t rel,
			void *buf, size_t len)
{
	ssize_t n;
	size_t chunk = len;

	if (rel > s->memsz || len > s->memsz - rel) {
		errno = ERANGE;
		return -1;
	}
	if (rel < s->filesz) {
		if (chunk > s->filesz - rel)
			chunk = (size_t)(s->filesz - rel);
		n = window_pread(vc->win, buf, chunk, s->offset + rel);
		if (n < 0)
			return -1;
		if ((size_t)n != chunk) {
			errno = EIO;
			return -1;
		}
	} else {
		chunk = 0;
	}
	memset((unsigned char *)buf + chunk, 0, len - chunk);
	return 0;
}

int vmcore_read_phys(const struct vmcore *vc, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;

	if (vc->kdump)
		return kdump_read(vc->kdump, addr, buf, len);
	while (len) {
		const struct vmcore_segment *s = vmcore_segment_at(vc, addr, 0);
		uint64_t rel, avail;
		size_t chunk;

		if (!s) {
			errno = ERANGE;
			return -1;
		}
		rel = addr - s->paddr;
		avail = s->memsz - rel;
		chunk = avail < len ? (size_t)avail : len;
		if (vmcore_read_segment(vc, s, rel, out, chunk) < 0)
			return -1;
		out += chunk;
		addr += chunk;
		len -= chunk;
	}
	return 0;
}

const char *vmcore_read_error(const struct vmcore *vc)
{
	return vc->kdump && vc->kdump->err.msg[0] ? vc->kdump->err.msg : NULL;
}

const struct vmcore_note *vmcore_find_note(const struct vmcore *vc,
					   const char *name, uint32_t type)
{
	for (size_t i = 0; i < vc->nnotes; i++)
		if (vc->notes[i].type == type && strcmp(vc->notes[i].name, name) == 0)
			return &vc->notes[i];
	return NULL;
}

int vmcoreinfo_get(const struct vmcore *vc, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = vc->vmcoreinfo;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t linelen = eol ? (size_t)(eol - p) : strlen(p);

		if (linelen > klen && p[klen] == '=' && memcmp(p, key, klen) == 0) {
			size_t vlen = linelen - klen - 1;

			if (vlen >= len)
				return -1;
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			return 0;
		}
		p = eol ? eol + 1 : NULL;
	}
	return -1;
}

static int get_keyed(const struct vmcore *vc, const char *kind, const char *name,
		     char *buf, size_t len)
{
	char key[128];

	if (snprintf(key, sizeof(key), "%s(%s)", kind, name) >= (int)sizeof(key))
		return -1;
	return vmcoreinfo_get(vc, key, buf, len);
}

static int get_unsigned(const struct vmcore *vc, const char *kind, const char *name,
			int base, uint64_t *out)
{
	char val[64], *end;
	unsigned long long v;

	if (get_keyed(vc, kind, name, val, sizeof(val)) < 0 || !val[0] || val[0] == '-')
		return -1;
	errno = 0;
	v = strtoull(val, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int vmcoreinfo_symbol(const struct vmcore *vc, const char *name, uint64_t *out)
{
	return get_unsigned(vc, "SYMBOL", name, 16, out);
}

int vmcoreinfo_size(const struct vmcore *vc, const char *type, uint64_t *out)
{
	return get_unsigned(vc, "SIZE", type, 10, out);
}

int vmcoreinfo_offset(const struct vmcore *vc, const char *member, uint64_t *out)
{
	return get_unsigned(vc, "OFFSET", member, 10, out);
}

int vmcoreinfo_length(const struct vmcore *vc, const char *name, uint64_t *out)
{
	return get_unsigned(vc, "LENGTH", name, 10, out);
}

int vmcoreinfo_number(const struct vmcore *vc, const char *name, int64_t *out)
{
	char val[64], *end;
	long long v;

	if (get_keyed(vc, "NUMBER", name, val, sizeof(val)) < 0 || !val[0])
		return -1;
	errno = 0;
	v = strtoll(val, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}
