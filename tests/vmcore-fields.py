#!/usr/bin/python3
"""vmcore-fields MODE [FILE]: turn what readelf, QEMU and vmcore-inspect say
about a core into the same "key value" lines, so a test can diff them.

Glue, not an oracle: the facts come from readelf (binutils), from QEMU's
"info registers", or from vmcore-inspect --json; this only renames and
renormalises (numbers as lowercase hex without leading zeros).

  readelf-info CORE   readelf -hlnW CORE  -> what `info --json` must say
  json-info           info --json on stdin -> the same keys
  readelf-notes CORE  readelf -nW CORE    -> every note's name, type, size,
                                             and for notes readelf dumps in
                                             hex, the bytes as fields
  json-notes          notes --json on stdin -> the same keys
  qemu-regs FILE      QEMU "info registers" -> registers of CPU 0, named as
                                             vmcore-inspect names them
  json-regs           notes --json on stdin -> every decoded register
  maps SOURCE CORE    readelf -lW of both: whether every PT_LOAD of CORE
                      maps its physical range at the virtual address
                      SOURCE's PT_LOADs give it, and every mapping of
                      SOURCE (virtual minus physical) is in CORE too;
                      SOURCE "identity": virtual equals physical. The
                      kernel maps its image in 2 MiB pages, so CORE's
                      text mapping may go on to the 2 MiB boundary after
                      the end the source's segment gives (_end).
"""
import json
import os
import re
import subprocess
import sys

MACHINES = {"Advanced Micro Devices X86-64": 62, "IBM S/390": 22,
            "Intel 80386": 3, "AArch64": 183}
NOTE_TYPES = {"NT_PRSTATUS": 1, "NT_FPREGSET": 2, "NT_PRPSINFO": 3,
              "NT_TASKSTRUCT": 4, "NT_AUXV": 6, "NT_X86_XSTATE": 0x202,
              "NT_S390_HIGH_GPRS": 0x300, "NT_S390_TIMER": 0x301,
              "NT_S390_TODCMP": 0x302, "NT_S390_TODPREG": 0x303,
              "NT_S390_CTRS": 0x304, "NT_S390_PREFIX": 0x305,
              "NT_S390_LAST_BREAK": 0x306, "NT_S390_SYSTEM_CALL": 0x307,
              "NT_S390_TDB": 0x308, "NT_S390_VXRS_LOW": 0x309,
              "NT_S390_VXRS_HIGH": 0x30a, "NT_S390_GS_CB": 0x30b}


def h(n):
    return "%x" % n


def readelf(args, core):
    # readelf complains on stderr about QEMU's junk section headers.
    return subprocess.run(["readelf"] + args + [core], capture_output=True,
                          text=True, check=False).stdout


def parse_notes(text):
    """[(owner, size, type, data bytes or None)] from readelf -nW."""
    notes = []
    in_notes = False
    for line in text.splitlines():
        if line.startswith("Displaying notes"):
            in_notes = True
            continue
        if not line.startswith("  "):
            in_notes = False
        m = re.match(r"^\s+(\S+)\s+0x([0-9a-f]+)\s+(.*)$", line)
        if not in_notes or not m:
            continue
        owner, size, rest = m.group(1), int(m.group(2), 16), m.group(3)
        t = re.match(r"Unknown note type: \(0x([0-9a-f]+)\)", rest)
        if t:
            ntype = int(t.group(1), 16)
        else:
            ntype = NOTE_TYPES[rest.split()[0]]
        d = re.search(r"description data: ([0-9a-f ]+)", rest)
        data = bytes.fromhex(d.group(1)) if d else None
        notes.append((owner, size, ntype, data))
    return notes


def s390_lowcore_vmcoreinfo(core, text):
    """[VMCOREINFO text] of an s390x core without the note, as the kernel
    leaves it: its physical address at 0xe0c of the absolute lowcore,
    an ELF note there (namesz 11, "VMCOREINFO", type 0); else []."""
    segs = []
    for line in text.splitlines():
        f = line.split()
        if f and f[0] == "LOAD" and f[1].startswith("0x"):
            off, _, paddr, filesz = (int(x, 16) for x in f[1:5])
            segs.append((paddr, off, filesz))

    def phys(addr, n):
        for paddr, off, filesz in segs:
            if paddr <= addr and addr + n <= paddr + filesz:
                with open(core, "rb") as f:
                    f.seek(off + addr - paddr)
                    return f.read(n)
        return None

    p = phys(0xe0c, 8)
    hdr = p and phys(int.from_bytes(p, "big"), 24)
    if not hdr or hdr[12:23] != b"VMCOREINFO\0":
        return []
    namesz, descsz, ntype = (int.from_bytes(hdr[i:i + 4], "big") for i in (0, 4, 8))
    desc = phys(int.from_bytes(p, "big") + 24, descsz) if namesz == 11 and ntype == 0 else None
    return [desc.split(b"\0")[0]] if desc else []


def readelf_info(core):
    out = []
    text = readelf(["-hlnW"], core)
    hdr = dict(re.findall(r"^\s+([A-Za-z ]+):\s+(.*?)\s*$", text, re.M))
    out.append("elf_class %s" % hdr["Class"].replace("ELF", ""))
    out.append("byte_order %s" % ("big-endian" if "big" in hdr["Data"] else "little-endian"))
    out.append("machine %d" % MACHINES[hdr["Machine"]])
    ends, dumped, n = [], 0, 0
    for line in text.splitlines():
        f = line.split()
        if f and f[0] in ("LOAD", "NOTE") and f[1].startswith("0x"):
            off, vaddr, paddr, filesz, memsz = (int(x, 16) for x in f[1:6])
            ends.append(off + filesz)
            if f[0] == "LOAD":
                out.append("segment %d paddr %s vaddr %s offset %s filesz %s memsz %s"
                           % (n, h(paddr), h(vaddr), h(off), h(filesz), h(memsz)))
                dumped += filesz
                n += 1
    size = os.stat(core).st_size
    expected = max(ends) if ends else 0
    out.append("segments %d" % n)
    out.append("dumped_bytes %s" % h(dumped))
    out.append("file_size %s" % h(size))
    out.append("expected_size %s" % h(expected))
    out.append("complete %s" % ("true" if size >= expected else "false"))
    notes = parse_notes(text)
    out.append("notes %d" % len(notes))
    out.append("cpus %d" % sum(1 for o, s, t, d in notes if o == "CORE" and t == 1))
    vmci = [d for o, s, t, d in notes if o == "VMCOREINFO" and t == 0]
    if not vmci and hdr["Machine"].startswith("IBM S/390") and hdr["Class"] == "ELF64":
        vmci = s390_lowcore_vmcoreinfo(core, text)
    out.append("vmcoreinfo %s" % ("true" if vmci else "false"))
    keys = {}
    if vmci and vmci[0] is not None:
        for line in vmci[0].decode("latin-1").split("\n"):
            k, _, v = line.partition("=")
            keys.setdefault(k, v)
    out.append("kernel_release %s" % keys.get("OSRELEASE", "null"))
    out.append("page_size %s" % keys.get("PAGESIZE", "null"))
    out.append("crash_time %s" % keys.get("CRASHTIME", "null"))
    return out


def json_info(doc):
    out = ["elf_class %d" % doc["elf_class"], "byte_order %s" % doc["byte_order"],
           "machine %d" % doc["machine"]]
    for n, s in enumerate(doc["segments"]):
        out.append("segment %d paddr %s vaddr %s offset %s filesz %s memsz %s"
                   % (n, h(s["paddr"]), h(s["vaddr"]), h(s["offset"]),
                      h(s["filesz"]), h(s["memsz"])))
    out.append("segments %d" % len(doc["segments"]))
    for k in ("dumped_bytes", "file_size", "expected_size"):
        out.append("%s %s" % (k, h(doc[k])))
    out.append("complete %s" % ("true" if doc["complete"] else "false"))
    out.append("notes %d" % doc["notes"])
    out.append("cpus %d" % doc["cpus"])
    out.append("vmcoreinfo %s" % ("true" if doc["vmcoreinfo"] else "false"))
    for k in ("kernel_release", "page_size", "crash_time"):
        out.append("%s %s" % (k, "null" if doc[k] is None else doc[k]))
    return out


def readelf_notes(core):
    out = []
    big = "big endian" in readelf(["-h"], core)
    for i, (owner, size, ntype, data) in enumerate(parse_notes(readelf(["-nW"], core))):
        out.append("note %d name %s type %s size %s" % (i, owner, h(ntype), h(size)))
        # The s390 register notes readelf dumps are arrays of big-endian
        # words: the bytes in order are the fields' digits in order.
        if data is not None and big and 0x301 <= ntype <= 0x30b:
            out.append("note %d data %s" % (i, data.hex()))
    return out


def json_notes(doc):
    out = []
    for n in doc["notes"]:
        out.append("note %d name %s type %s size %s" % (n["index"], n["name"], h(n["type"]),
                                                        h(n["size"])))
        if n["registers"] and 0x301 <= n["type"] <= 0x30b:
            out.append("note %d data %s" % (n["index"], "".join(
                v[2:] for v in n["registers"].values())))
    return out


def qemu_regs(path):
    text = open(path).read()
    out = []
    regs = {}
    if "PSW=" in text:
        m = re.search(r"PSW=mask ([0-9a-f]+) addr ([0-9a-f]+)", text)
        regs["psw_mask"], regs["psw_addr"] = m.group(1), m.group(2)
        for kind, n, v in re.findall(r"\b([RCV])(\d\d)=([0-9a-f]+)", text):
            n = int(n)
            if kind == "R":
                regs["r%d" % n] = v
            elif kind == "C":
                regs["c%d" % n] = v
            elif n < 16:
                regs["f%d" % n], regs["v%d_low" % n] = v[:16], v[16:]
            else:
                regs["v%d" % n] = v
    else:
        for name, v in re.findall(r"\b(R[A-Z0-9]+|RIP|RFL)\s*=([0-9a-f]+)", text):
            regs["eflags" if name == "RFL" else name.lower()] = v
        for seg, sel, base in re.findall(r"^([CSDEFG]S) =([0-9a-f]{4}) ([0-9a-f]{16})",
                                          text, re.M):
            regs[seg.lower()] = sel
            if seg in ("FS", "GS"):
                regs[seg.lower() + "_base"] = base
    for k in sorted(regs):
        out.append("cpu0 %s %s" % (k, h(without_cc(k, int(regs[k], 16)))))
    return out


# QEMU keeps s390's condition code apart from the PSW while it runs and
# folds it in for `info registers`, but dump-guest-memory writes the PSW
# mask as it is stored, with whatever condition code was last folded in:
# the two can differ in bits 18-19 alone, depending on where the guest
# stopped. Those two bits are left out of the comparison.
PSW_CC = 0x0000300000000000


def without_cc(name, value):
    return value & ~PSW_CC if name == "psw_mask" else value


def json_regs(doc):
    out = []
    cpu = -1
    for n in doc["notes"]:
        if n["cpu"] is not None:
            cpu = n["cpu"]
        for k, v in (n["registers"] or {}).items():
            out.append("cpu%d %s %s" % (max(cpu, 0), k, h(without_cc(k, int(v, 16)))))
    return sorted(out)


def loads(core):
    """(vaddr, paddr, memsz) of every PT_LOAD, from readelf -lW."""
    out = []
    for line in readelf(["-lW"], core).splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            out.append((int(f[2], 16), int(f[3], 16), int(f[5], 16)))
    return out


def maps(source, core):
    ours = loads(core)
    theirs = [(0, 0, 1 << 64)] if source == "identity" else loads(source)
    bad = []
    pmd = 2 << 20
    for v, p, n in ours:
        if not any(v - p == tv - tp and tp <= p and
                   p + n <= (tp + tn + pmd - 1) // pmd * pmd
                   for tv, tp, tn in theirs):
            bad.append("PT_LOAD paddr %s vaddr %s: not so in the source" % (h(p), h(v)))
    have = {(v - p) % (1 << 64) for v, p, n in ours}
    for tv, tp, tn in theirs:
        if tn and (tv - tp) % (1 << 64) not in have:
            bad.append("no PT_LOAD maps at %s as the source's at paddr %s" % (h(tv), h(tp)))
    return bad or ["%d PT_LOADs, %d mappings, as in the source" % (len(ours), len(have))]


def main():
    mode = sys.argv[1]
    if mode == "maps":
        lines = maps(sys.argv[2], sys.argv[3])
    elif mode == "readelf-info":
        lines = readelf_info(sys.argv[2])
    elif mode == "readelf-notes":
        lines = readelf_notes(sys.argv[2])
    elif mode == "qemu-regs":
        lines = qemu_regs(sys.argv[2])
    else:
        doc = json.load(sys.stdin)
        lines = {"json-info": json_info, "json-notes": json_notes,
                 "json-regs": json_regs}[mode](doc)
    print("\n".join(lines))


main()
