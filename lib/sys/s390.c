#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/s390.h"

static int path_of(char *buf, size_t len, const char *root, const char *rel)
{
	if (snprintf(buf, len, "%s/%s", root, rel) >= (int)len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Attributes take one write() of the whole value: sysfs and debugfs act
 * on each write call. O_TRUNC as the shell's "echo 1 > attr" does (sysfs
 * ignores it; a test's plain file then holds just the value). */
static int write_attr(const char *root, const char *rel, const char *val)
{
	char path[4096];
	int fd, rc;

	if (path_of(path, sizeof(path), root, rel) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = write_all(fd, val, strlen(val));
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

static int exists(const char *root, const char *rel)
{
	char path[4096];

	return path_of(path, sizeof(path), root, rel) == 0 && access(path, F_OK) == 0;
}

int s390_ipl_type(const struct s390_roots *r, char *buf, size_t len)
{
	if (read_attr(r->sysfs, "firmware/ipl/ipl_type", buf, len) < 0) {
		buf[0] = '\0';
		return errno == ENOENT ? 0 : -1;
	}
	return 0;
}

int s390_read_ipl_fcp(const struct s390_roots *r, struct s390_ipl_fcp *ipl)
{
	if (read_attr(r->sysfs, "firmware/ipl/device", ipl->device, sizeof(ipl->device)) < 0 ||
	    read_attr(r->sysfs, "firmware/ipl/wwpn", ipl->wwpn, sizeof(ipl->wwpn)) < 0 ||
	    read_attr(r->sysfs, "firmware/ipl/lun", ipl->lun, sizeof(ipl->lun)) < 0) {
		warnmsg("cannot read the IPL device from %s/firmware/ipl:", r->sysfs);
		return -1;
	}
	/* These become path components below: refuse anything odd. */
	if (!ipl->device[0] || ipl->device[0] == '.' || strchr(ipl->device, '/') ||
	    !ipl->wwpn[0] || ipl->wwpn[0] == '.' || strchr(ipl->wwpn, '/') || !ipl->lun[0]) {
		warnmsg("the IPL device '%s' wwpn '%s' lun '%s' is not usable",
			ipl->device, ipl->wwpn, ipl->lun);
		return -1;
	}
	return 0;
}

static int step(const struct s390_roots *r, const char *rel, const char *val,
		void (*log)(const char *what), int optional)
{
	char what[512];

	if (optional && !exists(r->sysfs, rel))
		return 0;
	snprintf(what, sizeof(what), "echo %s > %s/%s", val, r->sysfs, rel);
	if (log)
		log(what);
	if (write_attr(r->sysfs, rel, val) < 0) {
		/* The port or unit may already be there (EEXIST): that is the
		 * state we wanted. */
		if (errno == EEXIST)
			return 0;
		warnmsg("%s failed:", what);
		return -1;
	}
	return 0;
}

int s390_zfcp_online(const struct s390_roots *r, const struct s390_ipl_fcp *ipl,
		     void (*log)(const char *what))
{
	char rel[256];

	/* With LUN scanning on, the adapter would attach every LUN it sees;
	 * the dump needs exactly the IPL LUN. */
	if (step(r, "module/zfcp/parameters/allow_lun_scan", "0", log, 1) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "bus/ccw/drivers/zfcp/%s/online", ipl->device);
	if (step(r, rel, "1", log, 0) < 0)
		return -1;
	/* Newer kernels find ports by themselves and removed port_add. */
	snprintf(rel, sizeof(rel), "bus/ccw/drivers/zfcp/%s/port_add", ipl->device);
	if (step(r, rel, ipl->wwpn, log, 1) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "bus/ccw/drivers/zfcp/%s/%s/unit_add", ipl->device, ipl->wwpn);
	return step(r, rel, ipl->lun, log, 0);
}

int s390_hsa_size(const struct s390_roots *r, uint64_t *size)
{
	char buf[64], *end;

	*size = 0;
	if (read_attr(r->debugfs, "zcore/hsa", buf, sizeof(buf)) < 0)
		return errno == ENOENT ? 0 : -1;
	errno = 0;
	*size = strtoull(buf, &end, 16);
	if (errno || end == buf || *end) {
		*size = 0;
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int s390_hsa_release(const struct s390_roots *r)
{
	return write_attr(r->debugfs, "zcore/hsa", "0");
}

int s390_reipl(const struct s390_roots *r)
{
	if (!exists(r->debugfs, "zcore/reipl"))
		return 1;
	return write_attr(r->debugfs, "zcore/reipl", "1");
}
