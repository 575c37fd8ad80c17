/* An NFS export as a dump target: dumpbox.target=nfs:HOST:/EXPORT, with
 * mount options after a comma as the kernel's nfsroot= takes them. The
 * kernel's own NFSv4 client mounts it (no mount.nfs, no rpcbind: NFSv4
 * needs one TCP port); the kernel resolves no names, so HOST is looked
 * up here (/etc/resolv.conf, which the network's setup writes). */
#ifndef DUMPBOX_NFS_H
#define DUMPBOX_NFS_H

#include <stddef.h>

#include "base/err.h"

struct nfs_spec {
	char host[256];
	char dev[256];		/* HOST:/EXPORT, what mount(2) gets */
	char data[1024];	/* the mount options, addr= included */
	char addr[16];		/* HOST's IPv4 address */
	unsigned port;		/* port= of the options, else 2049 */
};

/* What a dump kernel mounts with unless told otherwise: NFSv4.2 over
 * TCP, soft, so that a server gone away fails the dump in bounded time
 * (timeo=, retrans=) instead of hanging the machine, which is never
 * rebooted then. Later options win (the kernel takes the last). */
#define NFS_DEFAULT_OPTIONS "vers=4.2,proto=tcp,soft,timeo=100,retrans=2"

/* Parse spec (what follows "nfs:") and resolve its host. 0, or -1 with e
 * (EXIT_USAGE: a bad spec; EXIT_DAMAGED: the host has no address). */
int nfs_parse(const char *spec, struct nfs_spec *n, struct err *e);

/* Only the syntax, for a dry run and kdump-load on the running system:
 * no lookup. */
int nfs_check(const char *spec, struct err *e);

/* Does the server of spec take a TCP connection on its NFS port within
 * timeout_s seconds? For kdump-load --test, before any crash: it says
 * that the address and the port are right and nothing blocks them, not
 * that an NFSv4 export is there (only a mount says that). 0, or -1 with
 * e (EXIT_DAMAGED). */
int nfs_probe(const char *spec, unsigned timeout_s, struct nfs_spec *n, struct err *e);

#endif
