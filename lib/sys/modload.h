/* Kernel modules in our initramfs, as /init loads them. scripts/mkinitramfs
 * puts the decompressed modules for kernel RELEASE in
 * lib/modules/RELEASE/ with a load list, MODLOAD_LIST, beside them: one
 * module file name a line, dependencies before what needs them, '#'
 * comments; MODLOAD_FS_LIST lists are loaded on demand. There is no
 * modules.dep and no modprobe: the order was worked out when the
 * initramfs was built (scripts/modules-resolve). */
#ifndef DUMPBOX_MODLOAD_H
#define DUMPBOX_MODLOAD_H

#include <stddef.h>

#include "base/err.h"

#define MODLOAD_DIR	"/lib/modules"
#define MODLOAD_LIST	"modules.load"
/* + TYPE: the modules of a filesystem a dump may go into, loaded when the
 * dump target is one (fsprobe's type names: ext4, xfs, btrfs). */
#define MODLOAD_FS_LIST	"modules.fs-"
#define MODLOAD_NAME_MAX 256

struct modload_iter {
	const char *text;
	size_t len, pos;
	unsigned line;
};

void modload_iter_init(struct modload_iter *it, const char *text, size_t len);

/* The next entry of the list: 1 with its file name in name (a plain name
 * ending in .ko: no directory, nothing to escape the module directory),
 * 0 at the end, -1 for a bad line with err saying why and it->line its
 * number (the walk may go on after it). */
int modload_next(struct modload_iter *it, char *name, size_t namelen, struct err *err);

/* The module's name from its file name: "crc-t10dif.ko" -> "crc_t10dif"
 * (the kernel treats '-' and '_' in module names alike). */
void modload_modname(const char *file, char *name, size_t len);

/* The parameters the kernel command line gives module MOD as
 * "MOD.param=value" (MOD spelled with '-' or '_'), joined with spaces as
 * finit_module(2) takes them: "param=value param2". Returns the length
 * (0: none); a result that would not fit is cut at a parameter. */
size_t modload_params(const char *cmdline, const char *mod, char *buf, size_t len);

#endif
