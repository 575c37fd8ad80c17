#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/fsmount.h"

/* Nothing in a dump directory is run, and no device node belongs there. */
#define MOUNT_FLAGS (MS_NOATIME | MS_NODEV | MS_NOSUID | MS_NOEXEC)

int fsmount_mount(struct fsmount *m, const char *dev, const char *type, struct err *e)
{
	return fsmount_mount_data(m, dev, type, NULL, e);
}

/* What a network filesystem's mount says when it fails: the server, not
 * a disk. */
static int net_mount_failed(const char *dev, int err, struct err *e)
{
	errno = err;
	if (err == ETIMEDOUT || err == EHOSTUNREACH || err == ENETUNREACH || err == ECONNREFUSED)
		return err_ret(e, EXIT_DAMAGED, "%s: the NFS server does not answer:", dev);
	if (err == EACCES || err == EPERM)
		return err_ret(e, EXIT_DAMAGED, "%s: the NFS server refuses this machine the "
			       "export:", dev);
	if (err == ENOENT)
		return err_ret(e, EXIT_DAMAGED, "%s: the NFS server has no such export:", dev);
	if (err == ENODEV)
		return err_ret(e, EXIT_DAMAGED, "%s: this kernel has no NFSv4 client (its modules "
			       "are not in the initramfs?)", dev);
	return err_ret(e, EXIT_DAMAGED, "%s: the NFS mount failed:", dev);
}

int fsmount_mount_data(struct fsmount *m, const char *dev, const char *type, const char *data,
		       struct err *e)
{
	struct statvfs sv;

	m->dir[0] = '\0';
	if (mkdir("/run", 0755) < 0 && errno != EEXIST)
		return err_ret(e, EXIT_DAMAGED, "cannot make /run for the mount point:");
	snprintf(m->dir, sizeof(m->dir), "/run/dumpbox-XXXXXX");
	if (!mkdtemp(m->dir)) {
		m->dir[0] = '\0';
		return err_ret(e, EXIT_DAMAGED, "cannot make a mount point in /run:");
	}
	if (mount(dev, m->dir, type, MOUNT_FLAGS, data) < 0) {
		int saved = errno;

		rmdir(m->dir);
		m->dir[0] = '\0';
		errno = saved;
		if (strncmp(type, "nfs", 3) == 0)
			return net_mount_failed(dev, saved, e);
		if (saved == EROFS || saved == EACCES)
			return err_ret(e, EXIT_DAMAGED, "%s: the device is read-only", dev);
		if (saved == EUCLEAN)
			return err_ret(e, EXIT_DAMAGED, "%s: the %s filesystem is damaged: the kernel "
				       "refuses to mount it (its log says where; fsck it)", dev, type);
		if (saved == ENODEV)
			return err_ret(e, EXIT_DAMAGED, "%s: this kernel has no %s (its module is "
				       "not in the initramfs?)", dev, type);
		return err_ret(e, EXIT_DAMAGED, "%s: the kernel does not mount it as %s (its log "
			       "says why; fsck it):", dev, type);
	}
	m->root_fd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->root_fd < 0) {
		int saved = errno;

		(void)umount(m->dir);
		rmdir(m->dir);
		m->dir[0] = '\0';
		errno = saved;
		return err_ret(e, EXIT_DAMAGED, "%s: cannot open its root once mounted:", dev);
	}
	/* errors=remount-ro, or a journal the kernel could not replay, leave
	 * a filesystem read-only without failing the mount. */
	if (statvfs(m->dir, &sv) == 0 && (sv.f_flag & ST_RDONLY)) {
		struct err ignored;

		fsmount_unmount(m, &ignored);
		return err_ret(e, EXIT_DAMAGED, "%s: the kernel mounted it read-only (errors on "
			       "it? fsck it): no dump there", dev);
	}
	return 0;
}

int fsmount_mkpath(const struct fsmount *m, const char *path, char *out, size_t outlen,
		   struct err *e)
{
	char comp[256];
	const char *p = path;
	int dfd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return err_ret(e, EXIT_DAMAGED, "%s:", m->dir);
	while (*p) {
		size_t n;
		int next;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n >= sizeof(comp) || (n == 2 && p[0] == '.' && p[1] == '.')) {
			close(dfd);
			return err_ret(e, EXIT_USAGE, "the dump path %s: a directory of the filesystem, "
				       "without \"..\"", path);
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		if (strcmp(comp, ".") == 0)
			continue;
		if (mkdirat(dfd, comp, 0755) < 0 && errno != EEXIST) {
			close(dfd);
			return err_ret(e, EXIT_DAMAGED, "cannot make %s in the dump filesystem:", comp);
		}
		next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int saved = errno;

			close(dfd);
			errno = saved;
			if (saved == ELOOP || saved == ENOTDIR)
				return err_ret(e, EXIT_DAMAGED, "the dump path %s: %s is not a directory "
					       "(a symbolic link?): the dump stays inside the path",
					       path, comp);
			return err_ret(e, EXIT_DAMAGED, "%s:", comp);
		}
		close(dfd);
		dfd = next;
	}
	close(dfd);
	if ((size_t)snprintf(out, outlen, "%s/%s", m->dir, path + strspn(path, "/")) >= outlen)
		return err_ret(e, EXIT_USAGE, "the dump path %s: too long", path);
	return 0;
}

int fsmount_free(const char *dir, uint64_t *bytes, struct err *e)
{
	struct statvfs sv;

	if (statvfs(dir, &sv) < 0)
		return err_ret(e, EXIT_DAMAGED, "%s:", dir);
	*bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
	return 0;
}

void fsmount_force(const struct fsmount *m)
{
	if (m->dir[0])
		(void)umount2(m->dir, MNT_FORCE);
}

void fsmount_leave(struct fsmount *m)
{
	if (m->dir[0])
		warnmsg("%s is left mounted: its server does not answer", m->dir);
	m->dir[0] = '\0';
}

int fsmount_unmount(struct fsmount *m, struct err *e)
{
	int rc = -1;

	if (!m->dir[0])
		return 0;
	if (m->root_fd >= 0) {
		if (syncfs(m->root_fd) < 0)
			warnmsg("syncing the dump filesystem failed:");
		close(m->root_fd);
		m->root_fd = -1;
	}
	/* Something the kernel still holds for a moment (a closing file):
	 * a bounded wait, not a lazy unmount that hides a failure. */
	for (int i = 0; i < 50; i++) {
		rc = umount(m->dir);
		if (rc == 0 || errno != EBUSY)
			break;
		usleep(100 * 1000);
	}
	if (rc < 0)
		return err_ret(e, EXIT_DAMAGED, "unmounting %s failed:", m->dir);
	rmdir(m->dir);
	m->dir[0] = '\0';
	return 0;
}
