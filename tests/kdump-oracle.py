#!/usr/bin/python3
"""kdump-oracle MODE ARGS: compare dumps page by page with oracles that are
not our reader: readelf for ELF layouts, Debian's python3-libkdumpfile for
kdump-compressed files. Prints one summary line; exits 1 on a difference.

  elf-pages OURS REF    every byte of OURS's PT_LOADs equals REF's bytes at
                        the same physical address (both ELF cores, layout
                        from readelf -lW): "N pages equal"
  kdump-pages KDUMP ELF the pages libkdumpfile says KDUMP holds (its page
                        map) are exactly the pages of ELF's PT_LOADs, and
                        libkdumpfile reads the same bytes: "N pages equal"
"""
import subprocess
import sys

PAGE = 4096


def loads(core):
    """[(paddr, offset, filesz)] of the PT_LOADs, from readelf."""
    out = subprocess.run(["readelf", "-lW", core], capture_output=True, text=True,
                         check=True).stdout
    segs = []
    for line in out.splitlines():
        f = line.split()
        if f[:1] == ["LOAD"]:
            segs.append((int(f[3], 16), int(f[1], 16), int(f[4], 16)))
    if not segs:
        sys.exit("%s: no PT_LOAD (readelf)" % core)
    return segs


class Elf:
    def __init__(self, path):
        self.f = open(path, "rb")
        self.segs = sorted(loads(path))

    def read(self, paddr, n):
        for p, off, size in self.segs:
            if p <= paddr and paddr + n <= p + size:
                self.f.seek(off + paddr - p)
                return self.f.read(n)
        return None


def elf_pages(ours, ref):
    a, b = Elf(ours), Elf(ref)
    pages = bad = 0
    seen = set()
    for p, off, size in a.segs:
        for x in range(0, size, PAGE):
            n = min(PAGE, size - x)
            # The kernel image's second mapping (its own PT_LOAD, at the
            # kernel's virtual address, as /proc/vmcore has it) covers
            # physical pages another PT_LOAD holds: count each page once.
            if (p + x, n) in seen:
                continue
            seen.add((p + x, n))
            mine, theirs = a.read(p + x, n), b.read(p + x, n)
            pages += 1
            if mine != theirs:
                bad += 1
                if bad <= 5:
                    print("differs: paddr 0x%x%s" % (p + x, "" if theirs else " (not in REF)"))
    print("%d pages equal" % (pages - bad) if not bad else "%d of %d pages differ" % (bad, pages))
    return 1 if bad or not pages else 0


def kdump_pages(kdump, elf):
    import kdumpfile
    k = kdumpfile.kdumpfile(kdump)
    pagemap = k.attr["file.pagemap"]
    e = Elf(elf)
    mine = set()
    for p, off, size in e.segs:
        mine.update(range(p // PAGE, (p + size) // PAGE))
    theirs = set()
    pfn = 0
    while True:
        try:
            pfn = pagemap.find_set(pfn)
        except kdumpfile.exceptions.NoDataException:
            break
        end = pagemap.find_clear(pfn)
        theirs.update(range(pfn, end))
        pfn = end
    bad = len(mine ^ theirs)
    for pfn in sorted(mine ^ theirs)[:5]:
        print("pfn 0x%x: %s" % (pfn, "only ours" if pfn in mine else "only libkdumpfile's"))
    for pfn in sorted(mine & theirs):
        if k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * PAGE, PAGE) != e.read(pfn * PAGE, PAGE):
            bad += 1
            if bad <= 5:
                print("pfn 0x%x: contents differ" % pfn)
    if bad or not theirs:
        print("%d differences in %d pages" % (bad, len(theirs)))
        return 1
    print("%d pages equal" % len(theirs))
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "elf-pages":
        return elf_pages(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 4 and sys.argv[1] == "kdump-pages":
        return kdump_pages(sys.argv[2], sys.argv[3])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
