#!/usr/bin/python3
# kdump-pages.py SOURCE KDUMP [--all] [--step N] [--attr NAME]...
#
# An oracle for the kdump-compressed writer that shares no code with it:
# Debian's libkdumpfile (python3-libkdumpfile) reads KDUMP page by page,
# and each page it holds is compared with the same physical page of the
# ELF core SOURCE, read here by file offset from SOURCE's own program
# headers (bytes no PT_LOAD holds are zeros).
#
#   --all       every page with data in SOURCE must be in KDUMP (no
#               filtering: dump level 0 or 1)
#   --step N    compare every N-th dumped page only (default 1: all)
#   --attr NAME print libkdumpfile's attribute NAME (e.g. linux.uts.release)
#   --layout    also check the layout with a parser of its own (not
#               libkdumpfile's): one descriptor per set bit of the 2nd
#               bitmap, each inside the file after the table, and the file
#               ends where the last page data ends
#   --zeros-elsewhere ELF
#               every page of SOURCE that KDUMP leaves out is zeros in ELF
#               (the same dump level written as ELF), every other page of
#               ELF equals SOURCE's
#
# Prints "N pages equal" (and the attributes) and exits 0, or lists the
# first differences and exits 1.
import struct
import sys

import kdumpfile


def elf_loads(f):
    ident = f.read(64)
    if ident[:4] != b"\x7fELF" or ident[4] != 2:
        sys.exit("%s: not a 64-bit ELF core" % f.name)
    e = "<" if ident[5] == 1 else ">"
    phoff, = struct.unpack(e + "Q", ident[32:40])
    phentsize, phnum = struct.unpack(e + "HH", ident[54:58])
    loads = []
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        p_type, _, p_offset, _, p_paddr, p_filesz = struct.unpack(e + "IIQQQQ", f.read(40))
        if p_type == 1 and p_filesz:
            loads.append((p_paddr, p_paddr + p_filesz, p_offset))
    loads.sort(key=lambda x: (x[0], -x[1]))
    return loads


def source_page(f, loads, pfn, ps):
    start, end = pfn * ps, (pfn + 1) * ps
    page = bytearray(ps)
    covered = False
    for a, b, off in loads:
        lo, hi = max(a, start), min(b, end)
        if lo >= hi:
            continue
        f.seek(off + lo - a)
        got = f.read(hi - lo)
        # a source cut short: what is missing reads as zeros (as the
        # writer dumps it)
        page[lo - start:hi - start] = got + bytes(hi - lo - len(got))
        covered = True
    return bytes(page), covered


def check_layout(path):
    f = open(path, "rb")
    data = f.read()
    for e in "<>":
        version, = struct.unpack(e + "i", data[8:12])
        bs, = struct.unpack(e + "i", data[428:432])
        if version == 6 and bs in (4096, 8192, 16384, 65536):
            break
    else:
        return "no kdump header"
    sub_blocks, bitmap_blocks, _ = struct.unpack(e + "iII", data[432:444])
    max_mapnr, = struct.unpack(e + "Q", data[bs + 96:bs + 104])
    half = bitmap_blocks // 2 * bs
    bm2 = data[(1 + sub_blocks) * bs + half:(1 + sub_blocks) * bs + 2 * half]
    ndesc = sum(bin(b).count("1") for b in bm2)
    if max_mapnr > half * 8:
        return "max_mapnr %d exceeds the bitmap" % max_mapnr
    table = (1 + sub_blocks + bitmap_blocks) * bs
    data_start = table + 24 * ndesc
    end = data_start
    for i in range(ndesc):
        off, size, flags, _ = struct.unpack(e + "qIIQ", data[table + 24 * i:table + 24 * i + 24])
        if off < data_start or size == 0 or size > bs or off + size > len(data):
            return "descriptor %d: offset %d size %d outside the data" % (i, off, size)
        end = max(end, off + size)
    if end != len(data):
        return "the file is %d bytes, its data ends at %d" % (len(data), end)
    return None


def main():
    args = sys.argv[1:]
    want_all, step, attrs, layout, elf = False, 1, [], False, None
    while len(args) > 2:
        a = args.pop(0)
        if a == "--all":
            want_all = True
        elif a == "--step":
            step = int(args.pop(0))
        elif a == "--attr":
            attrs.append(args.pop(0))
        elif a == "--layout":
            layout = True
        elif a == "--zeros-elsewhere":
            elf = args.pop(0)
        else:
            sys.exit("unknown option " + a)
    src, dump = args
    f = open(src, "rb")
    loads = elf_loads(f)
    k = kdumpfile.kdumpfile(dump)
    ps = k.attr["arch.page_size"]
    bmp = k.attr["file.pagemap"]
    maxpfn = k.attr["max_pfn"]
    dumped, bad = [], 0
    pfn = 0
    while pfn < maxpfn:
        try:
            s = bmp.find_set(pfn)
        except Exception:
            break
        if s >= maxpfn:
            break
        try:
            c = bmp.find_clear(s)
        except Exception:
            c = maxpfn
        dumped.append((s, min(c, maxpfn)))
        pfn = c
    n = 0
    for s, c in dumped:
        for p in range(s, c):
            n += 1
            if (n - 1) % step:
                continue
            want, covered = source_page(f, loads, p, ps)
            got = k.read(kdumpfile.KDUMP_MACHPHYSADDR, p * ps, ps)
            if not covered or got != want:
                bad += 1
                if bad <= 5:
                    print("pfn %#x: %s" % (p, "not in the source" if not covered else "differs"))
    if want_all:
        have = set()
        for s, c in dumped:
            have.update(range(s, c))
        for a, b, _ in loads:
            for p in range(a // ps, (b + ps - 1) // ps):
                if p not in have:
                    bad += 1
                    if bad <= 5:
                        print("pfn %#x: in the source, not in the dump" % p)
    if elf:
        ef = open(elf, "rb")
        eloads = elf_loads(ef)
        have = set()
        for s, c in dumped:
            have.update(range(s, c))
        zero = bytes(ps)
        for a, b, _ in loads:
            for p in range(a // ps, (b + ps - 1) // ps):
                got, _ = source_page(ef, eloads, p, ps)
                want = source_page(f, loads, p, ps)[0] if p in have else zero
                if got != want:
                    bad += 1
                    if bad <= 5:
                        print("pfn %#x: ELF %s" % (p, "differs" if p in have else "not zeros"))
    if layout:
        err = check_layout(dump)
        if err:
            print("layout: " + err)
            bad += 1
    for name in attrs:
        try:
            v = k.attr[name]
        except Exception as e:
            v = "(%s)" % type(e).__name__
        print("%s=%s" % (name, v))
    if bad:
        print("%d pages differ or are missing (of %d)" % (bad, n))
        sys.exit(1)
    print("%d pages equal" % ((n + step - 1) // step))


main()
