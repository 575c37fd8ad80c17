/* gen-vmcore: write a small ELF core (a vmcore as a capture kernel writes
 * it) with known contents, for the tests. The headers are written by
 * libelf (elf_update) and every multi-byte field of the notes and of the
 * generated memory goes through libelf's translation (gelf_xlatetof), so
 * both byte orders come from libelf, not from the code under test.
 *
 * Built by the tests with the host compiler: gcc -o gen-vmcore
 * tests/gen-vmcore.c -lelf
 *
 * usage: gen-vmcore [OPTIONS] OUT
 *
 *   --lsb | --msb             byte order (default --lsb)
 *   --class 64|32             ELF class (default 64)
 *   --machine NAME|NUMBER     x86_64 (default), s390x, i386, aarch64, or an
 *                             e_machine number
 *   --page-size N             file alignment of segment data (default 4096);
 *                             as the kernel does, a segment's p_offset is
 *                             page-aligned plus p_paddr % N
 *   --cpus N                  N NT_PRSTATUS notes named "CORE" (default 1).
 *                             pr_pid of CPU c is 1000 + c; register word k
 *                             of CPU c is 0x100 * (c + 1) + k (the layout
 *                             of x86_64 and s390x: words of pr_reg in
 *                             order, the s390x access registers are u32
 *                             words too); other machines get pr_pid only
 *   --vmcoreinfo FILE         a "VMCOREINFO" note (type 0) holding FILE's
 *                             bytes as they are (default: none)
 *   --note NAME:TYPE:FILE[:DESCSZ]
 *                             another note with FILE's bytes as its
 *                             descriptor; DESCSZ overrides the size written
 *                             in the note header (a lie, for damaged cores)
 *   --split-notes             one PT_NOTE per note instead of one for all
 *   --load PADDR:VADDR:FILE[:MEMSZ]
 *                             a PT_LOAD holding FILE's bytes at physical
 *                             PADDR and virtual VADDR; MEMSZ larger than the
 *                             file adds bytes that are not in the file
 *                             (they read as zero)
 *   --pattern PADDR:VADDR:SIZE
 *                             a PT_LOAD of SIZE bytes in which each 8-byte
 *                             word (from PADDR, 8-aligned) holds its own
 *                             physical address, in the core's byte order
 *   --xnum                    store the program header count in section
 *                             header 0 (e_phnum = PN_XNUM), as a kernel
 *                             does for more than 0xfffe headers
 *   --set-ehdr FIELD=VALUE    then overwrite an ELF header field: type,
 *                             machine, version, phoff, shoff, flags, ehsize,
 *                             phentsize, phnum, shentsize, shnum, shstrndx
 *   --set-phdr I:FIELD=VALUE  then overwrite a field of program header I
 *                             (0 is the PT_NOTE when there are notes): type,
 *                             flags, offset, vaddr, paddr, filesz, memsz,
 *                             align
 *   --truncate SIZE           finally cut the file to SIZE bytes
 *   --cut N                   finally cut N bytes off the end
 *
 * Numbers may be decimal or 0x hex. Segments and notes are written in the
 * order given (PRSTATUS notes, then --note notes, then VMCOREINFO). The
 * options are the interface other tests rely on: extend, do not change.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ITEMS 256

struct load {
	uint64_t paddr, vaddr, memsz;
	unsigned char *data;
	size_t size;
	int pattern;
};

struct note {
	char *name;
	uint32_t type;
	unsigned char *desc;
	size_t size;
	int64_t descsz;		/* -1: the real size */
};

struct patch {
	int phdr;		/* -1: the ELF header */
	char field[16];
	uint64_t value;
};

static struct load loads[MAX_ITEMS];
static struct note notes[MAX_ITEMS];
static struct patch patches[MAX_ITEMS];
static size_t nloads, nnotes, npatches;

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("gen-vmcore: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void elfdie(const char *what)
{
	die("%s: %s", what, elf_errmsg(-1));
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die("bad number '%s'", s);
	return v;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		die("%s: %s", path, strerror(errno));
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory");
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	*len = n;
	return buf;
}

/* Split "a:b:c" into at most max fields (the last keeps any colons). */
static int split(char *s, char **f, int max)
{
	int n = 0;

	while (n < max - 1) {
		char *c = strchr(s, ':');

		if (!c)
			break;
		*c = '\0';
		f[n++] = s;
		s = c + 1;
	}
	f[n++] = s;
	return n;
}

static void add_note(const char *name, uint32_t type, unsigned char *desc, size_t size,
		     int64_t descsz)
{
	if (nnotes == MAX_ITEMS)
		die("too many notes");
	notes[nnotes++] = (struct note){ strdup(name), type, desc, size, descsz };
}

static Elf *elf;
static int elfdata = ELFDATA2LSB;

/* Convert count items of type from host to file order in place. */
static void to_file(void *buf, size_t size, Elf_Type type)
{
	Elf_Data d = { .d_buf = buf, .d_size = size, .d_type = type,
		       .d_version = EV_CURRENT };
	Elf_Data s = d;

	if (!gelf_xlatetof(elf, &d, &s, (unsigned)elfdata))
		elfdie("gelf_xlatetof");
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
	to_file(p, 8, ELF_T_XWORD);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
	to_file(p, 4, ELF_T_WORD);
}

/* elf_prstatus: pr_pid, and where pr_reg's words are, per machine. */
static unsigned char *make_prstatus(int machine, int class, unsigned cpu, size_t *size)
{
	unsigned char *d;
	size_t pid_off = 32, reg_off = 112, n64 = 0, n32 = 0;

	switch (machine) {
	case EM_X86_64:
		*size = 336;
		n64 = 27;
		break;
	case EM_S390:
		/* s390_regs: psw (mask, addr), gprs[16], acrs[16] (u32),
		 * orig_gpr2; then int pr_fpvalid, padded to 8. */
		*size = 336;
		n64 = 18;
		n32 = 16;
		break;
	default:
		*size = class == ELFCLASS64 ? 336 : 144;
		if (class == ELFCLASS32)
			pid_off = 24;
	}
	d = calloc(1, *size);
	if (!d)
		die("out of memory");
	put32(d + pid_off, 1000 + cpu);
	for (size_t k = 0; k < n64; k++)
		put64(d + reg_off + 8 * k, 0x100 * (cpu + 1) + k);
	for (size_t k = 0; k < n32; k++)
		put32(d + reg_off + 8 * n64 + 4 * k, (uint32_t)(0x100 * (cpu + 1) + n64 + k));
	if (machine == EM_S390) {
		/* orig_gpr2 follows the access registers. */
		put64(d + reg_off + 8 * 16 + 16 + 64, 0x100 * (cpu + 1) + n64 + n32);
	}
	return d;
}

static size_t note_size(const struct note *n)
{
	return 12 + ((strlen(n->name) + 1 + 3) & ~(size_t)3) + ((n->size + 3) & ~(size_t)3);
}

static size_t put_note(unsigned char *p, const struct note *n)
{
	size_t namesz = strlen(n->name) + 1, off = 12;
	uint32_t hdr[3] = { (uint32_t)namesz,
			    n->descsz >= 0 ? (uint32_t)n->descsz : (uint32_t)n->size,
			    n->type };

	memcpy(p, hdr, 12);
	to_file(p, 12, ELF_T_WORD);
	memcpy(p + off, n->name, namesz);
	off += (namesz + 3) & ~(size_t)3;
	memcpy(p + off, n->desc, n->size);
	return note_size(n);
}

static void pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("write: %s", strerror(errno));
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
}

static int set_field(GElf_Phdr *ph, GElf_Ehdr *eh, const char *f, uint64_t v)
{
#define F(s, name, member) if (s && !strcmp(f, name)) { s->member = v; return 0; }
	F(eh, "type", e_type) F(eh, "machine", e_machine) F(eh, "version", e_version)
	F(eh, "phoff", e_phoff) F(eh, "shoff", e_shoff) F(eh, "flags", e_flags)
	F(eh, "ehsize", e_ehsize) F(eh, "phentsize", e_phentsize) F(eh, "phnum", e_phnum)
	F(eh, "shentsize", e_shentsize) F(eh, "shnum", e_shnum) F(eh, "shstrndx", e_shstrndx)
	F(ph, "type", p_type) F(ph, "flags", p_flags) F(ph, "offset", p_offset)
	F(ph, "vaddr", p_vaddr) F(ph, "paddr", p_paddr) F(ph, "filesz", p_filesz)
	F(ph, "memsz", p_memsz) F(ph, "align", p_align)
#undef F
	return -1;
}

/* Patches are applied to the bytes libelf wrote, through libelf's
 * translation, so they may make the headers as wrong as a test wants
 * (libelf's writer would refuse some of them). */
static void write_ehdr(int fd, int class, GElf_Ehdr *eh)
{
	unsigned char buf[sizeof(Elf64_Ehdr)];
	size_t size;

	if (class == ELFCLASS64) {
		Elf64_Ehdr e;

		memcpy(e.e_ident, eh->e_ident, EI_NIDENT);
		e.e_type = eh->e_type; e.e_machine = eh->e_machine;
		e.e_version = (Elf64_Word)eh->e_version; e.e_entry = eh->e_entry;
		e.e_phoff = eh->e_phoff; e.e_shoff = eh->e_shoff;
		e.e_flags = eh->e_flags; e.e_ehsize = eh->e_ehsize;
		e.e_phentsize = eh->e_phentsize; e.e_phnum = eh->e_phnum;
		e.e_shentsize = eh->e_shentsize; e.e_shnum = eh->e_shnum;
		e.e_shstrndx = eh->e_shstrndx;
		size = sizeof(e);
		memcpy(buf, &e, size);
	} else {
		Elf32_Ehdr e;

		memcpy(e.e_ident, eh->e_ident, EI_NIDENT);
		e.e_type = eh->e_type; e.e_machine = eh->e_machine;
		e.e_version = (Elf32_Word)eh->e_version; e.e_entry = (Elf32_Addr)eh->e_entry;
		e.e_phoff = (Elf32_Off)eh->e_phoff; e.e_shoff = (Elf32_Off)eh->e_shoff;
		e.e_flags = eh->e_flags; e.e_ehsize = eh->e_ehsize;
		e.e_phentsize = eh->e_phentsize; e.e_phnum = eh->e_phnum;
		e.e_shentsize = eh->e_shentsize; e.e_shnum = eh->e_shnum;
		e.e_shstrndx = eh->e_shstrndx;
		size = sizeof(e);
		memcpy(buf, &e, size);
	}
	to_file(buf, size, ELF_T_EHDR);
	pwrite_all(fd, buf, size, 0);
}

static void write_phdr(int fd, int class, const GElf_Phdr *ph, uint64_t off)
{
	unsigned char buf[sizeof(Elf64_Phdr)];
	size_t size;

	if (class == ELFCLASS64) {
		Elf64_Phdr p = { ph->p_type, ph->p_flags, ph->p_offset, ph->p_vaddr,
				 ph->p_paddr, ph->p_filesz, ph->p_memsz, ph->p_align };

		size = sizeof(p);
		memcpy(buf, &p, size);
	} else {
		Elf32_Phdr p = { ph->p_type, (Elf32_Off)ph->p_offset, (Elf32_Addr)ph->p_vaddr,
				 (Elf32_Addr)ph->p_paddr, (Elf32_Word)ph->p_filesz,
				 (Elf32_Word)ph->p_memsz, ph->p_flags, (Elf32_Word)ph->p_align };

		size = sizeof(p);
		memcpy(buf, &p, size);
	}
	to_file(buf, size, ELF_T_PHDR);
	pwrite_all(fd, buf, size, off);
}

static void write_shdr0(int fd, int class, uint32_t phnum, uint64_t off)
{
	unsigned char buf[sizeof(Elf64_Shdr)] = { 0 };
	size_t size;

	if (class == ELFCLASS64) {
		Elf64_Shdr s = { .sh_info = phnum };

		size = sizeof(s);
		memcpy(buf, &s, size);
	} else {
		Elf32_Shdr s = { .sh_info = phnum };

		size = sizeof(s);
		memcpy(buf, &s, size);
	}
	to_file(buf, size, ELF_T_SHDR);
	pwrite_all(fd, buf, size, off);
}

static int machine_number(const char *s)
{
	if (!strcmp(s, "x86_64"))
		return EM_X86_64;
	if (!strcmp(s, "s390x") || !strcmp(s, "s390"))
		return EM_S390;
	if (!strcmp(s, "i386"))
		return EM_386;
	if (!strcmp(s, "aarch64"))
		return EM_AARCH64;
	return (int)num(s);
}

int main(int argc, char **argv)
{
	enum { OPT_LSB = 256, OPT_MSB, OPT_CLASS, OPT_MACHINE, OPT_PAGE, OPT_CPUS, OPT_VMCI, OPT_NOTE,
	       OPT_SPLIT, OPT_LOAD, OPT_PATTERN, OPT_XNUM, OPT_EHDR, OPT_PHDR, OPT_TRUNC, OPT_CUT };
	static const struct option opts[] = {
		{ "lsb", no_argument, NULL, OPT_LSB },
		{ "msb", no_argument, NULL, OPT_MSB },
		{ "class", required_argument, NULL, OPT_CLASS },
		{ "machine", required_argument, NULL, OPT_MACHINE },
		{ "page-size", required_argument, NULL, OPT_PAGE },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "vmcoreinfo", required_argument, NULL, OPT_VMCI },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "split-notes", no_argument, NULL, OPT_SPLIT },
		{ "load", required_argument, NULL, OPT_LOAD },
		{ "pattern", required_argument, NULL, OPT_PATTERN },
		{ "xnum", no_argument, NULL, OPT_XNUM },
		{ "set-ehdr", required_argument, NULL, OPT_EHDR },
		{ "set-phdr", required_argument, NULL, OPT_PHDR },
		{ "truncate", required_argument, NULL, OPT_TRUNC },
		{ "cut", required_argument, NULL, OPT_CUT },
		{ NULL, 0, NULL, 0 },
	};
	int class = ELFCLASS64, machine = EM_X86_64, split_notes = 0, xnum = 0, c, fd;
	uint64_t page = 4096, cpus = 1, off, trunc_to = UINT64_MAX, cut = 0;
	unsigned char *vmci = NULL;
	size_t vmci_len = 0, nnotephdr, nphdr, ci;
	GElf_Ehdr eh;
	struct note *user_notes = NULL;
	size_t nuser = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *f[4];
		int n;

		switch (c) {
		case OPT_LSB: elfdata = ELFDATA2LSB; break;
		case OPT_MSB: elfdata = ELFDATA2MSB; break;
		case OPT_CLASS:
			class = num(optarg) == 32 ? ELFCLASS32 : ELFCLASS64;
			break;
		case OPT_MACHINE: machine = machine_number(optarg); break;
		case OPT_PAGE:
			page = num(optarg);
			if (!page || (page & (page - 1)))
				die("page size must be a power of two");
			break;
		case OPT_CPUS: cpus = num(optarg); break;
		case OPT_VMCI: vmci = slurp(optarg, &vmci_len); break;
		case OPT_NOTE:
			n = split(optarg, f, 4);
			if (n < 3)
				die("--note NAME:TYPE:FILE[:DESCSZ]");
			if (!user_notes)
				user_notes = calloc(MAX_ITEMS, sizeof(*user_notes));
			if (nuser == MAX_ITEMS)
				die("too many notes");
			user_notes[nuser].name = strdup(f[0]);
			user_notes[nuser].type = (uint32_t)num(f[1]);
			user_notes[nuser].desc = slurp(f[2], &user_notes[nuser].size);
			user_notes[nuser].descsz = n == 4 ? (int64_t)num(f[3]) : -1;
			nuser++;
			break;
		case OPT_SPLIT: split_notes = 1; break;
		case OPT_LOAD:
		case OPT_PATTERN:
			n = split(optarg, f, 4);
			if (n < 3 || (c == OPT_PATTERN && n != 3))
				die(c == OPT_LOAD ? "--load PADDR:VADDR:FILE[:MEMSZ]"
						: "--pattern PADDR:VADDR:SIZE");
			if (nloads == MAX_ITEMS)
				die("too many segments");
			loads[nloads].paddr = num(f[0]);
			loads[nloads].vaddr = num(f[1]);
			if (c == OPT_LOAD) {
				loads[nloads].data = slurp(f[2], &loads[nloads].size);
			} else {
				loads[nloads].size = (size_t)num(f[2]);
				loads[nloads].pattern = 1;
			}
			loads[nloads].memsz = n == 4 ? num(f[3]) : loads[nloads].size;
			if (loads[nloads].memsz < loads[nloads].size)
				die("MEMSZ is smaller than the data");
			nloads++;
			break;
		case OPT_XNUM: xnum = 1; break;
		case OPT_EHDR:
		case OPT_PHDR: {
			struct patch *p;
			char *eq = strchr(optarg, '=');

			if (npatches == MAX_ITEMS)
				die("too many patches");
			p = &patches[npatches++];
			if (!eq)
				die("--set-ehdr FIELD=VALUE, --set-phdr I:FIELD=VALUE");
			*eq = '\0';
			p->value = num(eq + 1);
			p->phdr = -1;
			if (c == OPT_PHDR) {
				char *colon = strchr(optarg, ':');

				if (!colon)
					die("--set-phdr I:FIELD=VALUE");
				*colon = '\0';
				p->phdr = (int)num(optarg);
				optarg = colon + 1;
			}
			snprintf(p->field, sizeof(p->field), "%s", optarg);
			if (set_field(p->phdr >= 0 ? &(GElf_Phdr){ 0 } : NULL,
				      p->phdr < 0 ? &(GElf_Ehdr){ 0 } : NULL, p->field, 0))
				die("unknown field '%s'", p->field);
			break;
		}
		case OPT_TRUNC: trunc_to = num(optarg); break;
		case OPT_CUT: cut = num(optarg); break;
		default:
			die("see the comment at the top of tests/gen-vmcore.c for the options");
		}
	}
	if (argc - optind != 1)
		die("usage: gen-vmcore [OPTIONS] OUT");
	if (elf_version(EV_CURRENT) == EV_NONE)
		elfdie("elf_version");

	fd = open(argv[optind], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("%s: %s", argv[optind], strerror(errno));
	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!elf)
		elfdie("elf_begin");
	if (!gelf_newehdr(elf, class))
		elfdie("gelf_newehdr");

	/* Now that libelf knows the class, the notes can be made. */
	for (uint64_t i = 0; i < cpus; i++) {
		size_t size;
		unsigned char *d = make_prstatus(machine, class, (unsigned)i, &size);

		add_note("CORE", NT_PRSTATUS, d, size, -1);
	}
	for (size_t i = 0; i < nuser; i++)
		add_note(user_notes[i].name, user_notes[i].type, user_notes[i].desc,
			 user_notes[i].size, user_notes[i].descsz);
	if (vmci)
		add_note("VMCOREINFO", 0, vmci, vmci_len, -1);

	nnotephdr = nnotes ? (split_notes ? nnotes : 1) : 0;
	nphdr = nnotephdr + nloads;
	if (!nphdr)
		die("nothing to write: no notes and no segments");

	if (!gelf_getehdr(elf, &eh))
		elfdie("gelf_getehdr");
	eh.e_ident[EI_DATA] = (unsigned char)elfdata;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = (GElf_Half)machine;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = (GElf_Half)gelf_fsize(elf, ELF_T_EHDR, 1, EV_CURRENT);
	eh.e_phoff = eh.e_ehsize;
	eh.e_phentsize = (GElf_Half)gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT);
	if (!gelf_update_ehdr(elf, &eh))
		elfdie("gelf_update_ehdr");
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	if (!gelf_newphdr(elf, nphdr))
		elfdie("gelf_newphdr");

	/* Layout: headers, notes, then each segment page-aligned. */
	off = eh.e_phoff + nphdr * eh.e_phentsize;
	off = (off + 7) & ~(uint64_t)7;
	ci = 0;
	for (size_t i = 0; i < nnotephdr; i++) {
		GElf_Phdr ph = { .p_type = PT_NOTE, .p_offset = off };
		size_t last = split_notes ? i + 1 : nnotes;

		for (; ci < last; ci++)
			ph.p_filesz += note_size(&notes[ci]);
		ph.p_memsz = ph.p_filesz;
		off += ph.p_filesz;
		if (!gelf_update_phdr(elf, (int)i, &ph))
			elfdie("gelf_update_phdr");
	}
	for (size_t i = 0; i < nloads; i++) {
		struct load *l = &loads[i];
		GElf_Phdr ph = { .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X };

		off = (off + page - 1) & ~(page - 1);
		ph.p_offset = off + l->paddr % page;
		ph.p_paddr = l->paddr;
		ph.p_vaddr = l->vaddr;
		ph.p_filesz = l->size;
		ph.p_memsz = l->memsz;
		off = ph.p_offset + l->size;
		if (!gelf_update_phdr(elf, (int)(nnotephdr + i), &ph))
			elfdie("gelf_update_phdr");
	}
	if (elf_update(elf, ELF_C_WRITE) < 0)
		elfdie("elf_update");
	/* As written (elf_update fills in e_ident): what patches start from. */
	if (!gelf_getehdr(elf, &eh))
		elfdie("gelf_getehdr");

	/* The contents, by file offset from the headers just written. */
	ci = 0;
	for (size_t i = 0; i < nphdr; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			elfdie("gelf_getphdr");
		if (ph.p_type == PT_NOTE) {
			unsigned char *buf = calloc(1, ph.p_filesz ? ph.p_filesz : 1);
			size_t pos = 0;

			while (pos < ph.p_filesz)
				pos += put_note(buf + pos, &notes[ci++]);
			pwrite_all(fd, buf, ph.p_filesz, ph.p_offset);
			free(buf);
		} else {
			struct load *l = &loads[i - nnotephdr];

			if (l->pattern) {
				l->data = calloc(1, l->size + 8);
				if (!l->data)
					die("out of memory");
				for (size_t k = (8 - l->paddr % 8) % 8; k + 8 <= l->size; k += 8)
					put64(l->data + k, l->paddr + k);
			}
			pwrite_all(fd, l->data, l->size, ph.p_offset);
		}
	}
	if (xnum) {
		/* Section header 0 after everything; e_phnum = PN_XNUM. */
		uint64_t shoff = (off + 7) & ~(uint64_t)7;

		write_shdr0(fd, class, (uint32_t)nphdr, shoff);
		eh.e_phnum = PN_XNUM;
		eh.e_shoff = shoff;
		eh.e_shnum = 1;
		eh.e_shentsize = (GElf_Half)gelf_fsize(elf, ELF_T_SHDR, 1, EV_CURRENT);
		write_ehdr(fd, class, &eh);
	}
	/* Program header patches go where libelf put the table, whatever
	 * an --set-ehdr patch says. */
	uint64_t phoff = eh.e_phoff, phentsize = eh.e_phentsize;

	for (size_t i = 0; i < npatches; i++) {
		struct patch *p = &patches[i];

		if (p->phdr < 0) {
			set_field(NULL, &eh, p->field, p->value);
			write_ehdr(fd, class, &eh);
		} else {
			GElf_Phdr ph;

			if (!gelf_getphdr(elf, p->phdr, &ph))
				die("--set-phdr: no program header %d", p->phdr);
			set_field(&ph, NULL, p->field, p->value);
			/* Keep libelf's copy current for later patches. */
			gelf_update_phdr(elf, p->phdr, &ph);
			write_phdr(fd, class, &ph, phoff + (uint64_t)p->phdr * phentsize);
		}
	}
	elf_end(elf);

	if (cut || trunc_to != UINT64_MAX) {
		struct stat st;

		if (fstat(fd, &st) < 0)
			die("stat: %s", strerror(errno));
		if (trunc_to == UINT64_MAX)
			trunc_to = (uint64_t)st.st_size;
		trunc_to = cut > trunc_to ? 0 : trunc_to - cut;
		if (ftruncate(fd, (off_t)trunc_to) < 0)
			die("truncate: %s", strerror(errno));
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		die("%s: %s", argv[optind], strerror(errno));
	return 0;
}
