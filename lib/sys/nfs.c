#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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

/* The mount options for the server at addr. */
static int options(struct nfs_spec *n, const char *addr, const char *opts, struct err *e)
{
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
