/* The s390 parts of a SCSI dump (zfcpdump), as the kernel documents them:
 * the IPL information in /sys/firmware/ipl, the zfcp device that must be
 * brought online before the dump disk appears, and zcore's debugfs files
 * for the hardware save area (HSA) and the re-IPL. Every path is relative
 * to a root (normally /sys and /sys/kernel/debug), so tests can hand a
 * tree laid out as the kernel documents it. */
#ifndef DUMPBOX_S390_H
#define DUMPBOX_S390_H

#include <stdint.h>

struct s390_roots {
	const char *sysfs;	/* "/sys" */
	const char *debugfs;	/* "/sys/kernel/debug" */
};

/* The IPL type ("fcp_dump" when the machine booted us to take a SCSI
 * dump), or "" when there is no /sys/firmware/ipl (not s390). */
int s390_ipl_type(const struct s390_roots *r, char *buf, size_t len);

struct s390_ipl_fcp {
	char device[32];	/* bus ID, e.g. "0.0.1234" */
	char wwpn[32];		/* "0x500507630300c562" */
	char lun[32];		/* "0x4010400000000000" */
};

int s390_read_ipl_fcp(const struct s390_roots *r, struct s390_ipl_fcp *ipl);

/* Bring the IPL device online the way the reference tool does: LUN
 * scanning off (when the module offers it), the device online, the port
 * (only where port_add still exists) and the unit. Each step is logged
 * through log() when it is not NULL. 0, or -1 with a message printed. */
int s390_zfcp_online(const struct s390_roots *r, const struct s390_ipl_fcp *ipl,
		     void (*log)(const char *what));

/* The HSA size from zcore (0 when there is no zcore/hsa). */
int s390_hsa_size(const struct s390_roots *r, uint64_t *size);
/* Give the HSA back to the machine (write 0 to zcore/hsa). */
int s390_hsa_release(const struct s390_roots *r);
/* Re-IPL the dumped system (write 1 to zcore/reipl); 1 when zcore/reipl
 * does not exist. */
int s390_reipl(const struct s390_roots *r);

#endif
