/* A filesystem for the dump, mounted by the dump kernel: read-write, at a
 * fresh mount point, with the dump directory made inside it without
 * following a symbolic link (the dump never writes outside
 * dumpbox.path), and unmounted cleanly, data synced, before the machine
 * goes on. */
#ifndef DUMPBOX_FSMOUNT_H
#define DUMPBOX_FSMOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct fsmount {
	char dir[64];		/* the mount point; "" when not mounted */
	/* While mounted: the root, open, so that the mount is always busy
	 * and a forced unmount (fsmount_force) only fails the requests in
	 * flight instead of tearing the mount down under the dump. */
	int root_fd;
};

/* Mount dev (a filesystem of type) read-write at a new directory under
 * /run. Refuses a filesystem the kernel mounts read-only (errors, a
 * read-only device). 0, or -1 with e (EXIT_DAMAGED). */
int fsmount_mount(struct fsmount *m, const char *dev, const char *type, struct err *e);

/* The same with the filesystem's own options (data: mount(2)'s last
 * argument, e.g. an NFS mount's "vers=4.2,addr=..."). */
int fsmount_mount_data(struct fsmount *m, const char *dev, const char *type, const char *data,
		       struct err *e);

/* Make path (dumpbox.path, taken from the filesystem's root; no "..")
 * inside the mounted filesystem, each directory as it is or new
 * (0755), none a symbolic link; its full name into out. 0, or -1 with e. */
int fsmount_mkpath(const struct fsmount *m, const char *path, char *out, size_t outlen,
		   struct err *e);

/* Bytes free for the dump at dir (what an unprivileged writer gets). */
int fsmount_free(const char *dir, uint64_t *bytes, struct err *e);

/* Sync and unmount; the mount point goes. 0, or -1 with e (the data was
 * synced, the filesystem may stay mounted). */
int fsmount_unmount(struct fsmount *m, struct err *e);

/* A network filesystem whose server has gone: fail the requests in
 * flight (MNT_FORCE; root_fd keeps the mount). Safe on another thread
 * than the one writing. */
void fsmount_force(const struct fsmount *m);

/* Give the mount up: left mounted, not synced, forgotten. Unmounting
 * one whose server has gone waits out the soft mount's timeouts for each
 * request of its teardown (NFSv4: the session's and the client's), a
 * minute and more; a dump kernel is about to reboot anyway. What was not
 * written is lost. */
void fsmount_leave(struct fsmount *m);

#endif
