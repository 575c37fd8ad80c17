#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/nfs.h"

static int split(const char *spec, struct nfs_spec *n, const char **opts, struct err *e)
{
	const char *colon = strchr(spec, ':'), *comma;
	size_t hlen, dlen;

	memset(n, 0, sizeof(*n));
	if (!colon || colon == spec || colon[1] != '/')
		return err_ret(e, EXIT_USAGE, "nfs:%s: want nfs:HOST:/EXPORT[,OPTIONS]", spec);
	hlen = (size_t)(colon - spec);
	if (hlen >= sizeof(n->host) || spec[strcspn(spec, " \t\n\"'")] != '\0')
		return err_ret(e, EXIT_USAGE, "nfs:%s: not a host and an export", spec);
	comma = strchr(colon, ',');
	dlen = comma ? (size_t)(comma - spec) : strlen(spec);
	if (dlen >= sizeof(n->dev))
		return err_ret(e, EXIT_USAGE, "nfs:%s: the export's name is too long", spec);
	memcpy(n->host, spec, hlen);
	memcpy(n->dev, spec, dlen);
	*opts = comma ? comma + 1 : "";
	if (strstr(*opts, "addr=") == *opts || strstr(*opts, ",addr="))
		return err_ret(e, EXIT_USAGE, "nfs:%s: the address comes from HOST, not addr=", spec);
	return 0;
}

/* The last port= of opts (the kernel takes the last), else NFS's. */
static unsigned port_of(const char *opts)
{
	unsigned port = 2049;

	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		char *end;
		unsigned long v;

		if (strncmp(p, "port=", 5) != 0)
			continue;
		v = strtoul(p + 5, &end, 10);
		if ((*end == ',' || *end == '\0') && v > 0 && v < 65536)
			port = (unsigned)v;
	}
	return port;
}

/* The mount options for the server at addr. */
static int options(struct nfs_spec *n, const char *addr, const char *opts, struct err *e)
{
	snprintf(n->addr, sizeof(n->addr), "%s", addr);
	n->port = port_of(opts);
	if (snprintf(n->data, sizeof(n->data), "%s,addr=%s%s%s", NFS_DEFAULT_OPTIONS, addr,
		     opts[0] ? "," : "", opts) >= (int)sizeof(n->data))
		/* n->dev, not spec: the message would cut off its end. */
		return err_ret(e, EXIT_USAGE, "nfs:%s: too many options (%zu bytes of them)",
			       n->dev, strlen(opts));
	return 0;
}

int nfs_check(const char *spec, struct err *e)
{
	struct nfs_spec n;
	const char *opts;

	/* The longest address there is, so that what passes here fits later. */
	return split(spec, &n, &opts, e) < 0 ? -1 : options(&n, "255.255.255.255", opts, e);
}

int nfs_parse(const char *spec, struct nfs_spec *n, struct err *e)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai;
	char addr[INET_ADDRSTRLEN];
	const char *opts;
	int rc;

	if (split(spec, n, &opts, e) < 0)
		return -1;
	rc = getaddrinfo(n->host, NULL, &hints, &ai);
	if (rc)
		return err_ret(e, EXIT_DAMAGED, "%s: the NFS server's name has no address (%s)",
			       n->host, gai_strerror(rc));
	inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, addr, sizeof(addr));
	freeaddrinfo(ai);
	return options(n, addr, opts, e);
}

int nfs_probe(const char *spec, unsigned timeout_s, struct nfs_spec *n, struct err *e)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, rc, soerr = 0;

	if (nfs_parse(spec, n, e) < 0)
		return -1;
	sa.sin_port = htons((uint16_t)n->port);
	inet_pton(AF_INET, n->addr, &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_ret(e, EXIT_DAMAGED, "socket:");
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (rc < 0 && errno == EINPROGRESS) {
		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		do
			rc = poll(&pfd, 1, (int)timeout_s * 1000);
		while (rc < 0 && errno == EINTR);
		if (rc == 0) {
			close(fd);
			return err_ret(e, EXIT_DAMAGED, "%s (%s): no answer on TCP port %u in %u s",
				       n->host, n->addr, n->port, timeout_s);
		}
		if (rc > 0) {
			rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
			if (rc == 0 && soerr) {
				errno = soerr;
				rc = -1;
			}
		}
	}
	close(fd);
	if (rc < 0)
		return err_ret(e, EXIT_DAMAGED, "%s (%s): TCP port %u does not answer:", n->host,
			       n->addr, n->port);
	return 0;
}
