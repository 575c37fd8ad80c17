#!/usr/bin/python3
"""dirty-vmcore.py SRC DST: a copy of the sparse vmcore SRC (as
tests/qemu/make-vmcore writes it) in which 2/3 of the zero pages (the
holes: an idle guest's free memory) hold "old data" (random bytes), so a
benchmark moves data and not only zeros. The kernel's own pages stay as
they are, so makedumpfile can still read the result. Deterministic: the
same SRC gives the same DST."""
import os
import random
import sys

if len(sys.argv) != 3:
    sys.exit("usage: dirty-vmcore.py SRC DST")
src, dst = sys.argv[1:]
rnd = random.Random(1)
pool = rnd.randbytes(64 << 20)
fi = os.open(src, os.O_RDONLY)
size = os.fstat(fi).st_size
fo = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.ftruncate(fo, size)
FIRST_LOAD = 0x2000  # the ELF header and the notes come before it
off = 0
while off < size:
    try:
        data = os.lseek(fi, off, os.SEEK_DATA)
    except OSError:  # ENXIO: only a hole is left
        data = size
    for p in range(off, data, 4096):
        if p >= FIRST_LOAD and rnd.random() < 2 / 3:
            o = rnd.randrange(0, len(pool) - 4096)
            n = min(4096, data - p)
            os.pwrite(fo, pool[o:o + n], p)
    if data >= size:
        break
    hole = os.lseek(fi, data, os.SEEK_HOLE)
    for q in range(data, hole, 1 << 20):
        n = min(1 << 20, hole - q)
        os.pwrite(fo, os.pread(fi, n, q), q)
    off = hole
os.fsync(fo)
os.close(fo)
