#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/net.h"

/* ---- ip= ----------------------------------------------------------------- */

void net_config_init(struct net_config *c)
{
	memset(c, 0, sizeof(*c));
	c->method = NET_DHCP;
	c->device_wait = 10;
	c->carrier_wait = 10;
	c->dhcp_timeout = 20;
	c->dhcp_tries = 4;
}

uint32_t net_class_mask(uint32_t addr)
{
	uint32_t a = ntohl(addr);

	if ((a & 0x80000000u) == 0)
		return htonl(0xff000000u);
	if ((a & 0xc0000000u) == 0x80000000u)
		return htonl(0xffff0000u);
	return htonl(0xffffff00u);
}

int net_prefix_len(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	if (n < 32 && (m << n) != 0)
		return -1;
	return n;
}

static int is_word(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return 1;
	return 0;
}

static const char *const w_off[] = { "off", "none", NULL };
static const char *const w_dhcp[] = { "on", "any", "dhcp", NULL };
static const char *const w_unsupported[] = { "bootp", "rarp", "both", NULL };

static int parse_addr(const char *s, const char *what, struct in_addr *a, struct err *e)
{
	if (inet_pton(AF_INET, s, a) != 1)
		return err_ret(e, EXIT_USAGE, "ip=: %s '%s' is not an IPv4 address", what, s);
	return 0;
}

int net_parse_ip(const char *spec, struct net_config *c, struct err *e)
{
	static const char *const names[] = {
		"client address", "server address", "gateway", "netmask", "hostname",
		"device", "autoconf", "DNS server", "DNS server", "NTP server",
	};
	int autoconf = -1;	/* -1 not given, else an enum net_method */
	const char *p = spec;
	int dns = 0;

	if (!*spec || is_word(spec, w_off)) {
		c->method = NET_OFF;
		return 0;
	}
	if (is_word(spec, w_dhcp)) {
		c->method = NET_DHCP;
		return 0;
	}
	if (is_word(spec, w_unsupported))
		return err_ret(e, EXIT_USAGE, "ip=%s: only dhcp and static configuration are supported", spec);
	for (const char *q = spec; (q = strchr(q, ':')) != NULL; q++)
		if (++dns >= 10)
			return err_ret(e, EXIT_USAGE, "ip=%s: too many fields (at most 10)", spec);
	dns = 0;
	for (int field = 0; ; field++) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char v[128];

		if (n >= sizeof(v))
			return err_ret(e, EXIT_USAGE, "ip=: field %d is too long", field + 1);
		memcpy(v, p, n);
		v[n] = '\0';
		if (n) {
			switch (field) {
			case 0:
				if (parse_addr(v, names[field], &c->client, e) < 0)
					return -1;
				break;
			case 1:
				if (parse_addr(v, names[field], &c->server, e) < 0)
					return -1;
				break;
			case 2:
				if (parse_addr(v, names[field], &c->gateway, e) < 0)
					return -1;
				break;
			case 3:
				if (parse_addr(v, names[field], &c->netmask, e) < 0)
					return -1;
				if (net_prefix_len(c->netmask) < 0)
					return err_ret(e, EXIT_USAGE, "ip=: netmask %s is not contiguous", v);
				break;
			case 4:
				if (n >= sizeof(c->hostname))
					return err_ret(e, EXIT_USAGE, "ip=: hostname longer than %zu bytes",
						       sizeof(c->hostname) - 1);
				memcpy(c->hostname, v, n + 1);
				break;
			case 5:
				if (n >= sizeof(c->device) || strchr(v, '/') || strcmp(v, ".") == 0 ||
				    strcmp(v, "..") == 0)
					return err_ret(e, EXIT_USAGE, "ip=: '%s' is not a device name", v);
				memcpy(c->device, v, n + 1);
				break;
			case 6:
				if (is_word(v, w_dhcp))
					autoconf = NET_DHCP;
				else if (is_word(v, w_off) || strcmp(v, "static") == 0)
					autoconf = NET_STATIC;
				else if (is_word(v, w_unsupported))
					return err_ret(e, EXIT_USAGE, "ip=: autoconf %s: only dhcp and static configuration are supported", v);
				else
					return err_ret(e, EXIT_USAGE, "ip=: unknown autoconf '%s' (dhcp, off, static)", v);
				break;
			case 7:
			case 8:
				if (parse_addr(v, names[field], &c->dns[dns], e) < 0)
					return -1;
				dns++;
				break;
			default:
				if (parse_addr(v, names[field], &c->ntp, e) < 0)
					return -1;
				break;
			}
		}
		if (!end)
			break;
		p = end + 1;
	}
	if (autoconf == NET_DHCP || (autoconf < 0 && !c->client.s_addr)) {
		c->method = NET_DHCP;
		return 0;
	}
	if (!c->client.s_addr)
		return err_ret(e, EXIT_USAGE, "ip=%s: static configuration without a client address", spec);
	c->method = NET_STATIC;
	if (!c->netmask.s_addr)
		c->netmask.s_addr = net_class_mask(c->client.s_addr);
	return 0;
}

int net_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++, s++) {
			int d = *s >= '0' && *s <= '9' ? *s - '0' :
				*s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
				*s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;

			if (d < 0)
				return -1;
			v = v * 16 + (unsigned)d;
		}
		mac[i] = (uint8_t)v;
		if (i < 5 && *s != ':' && *s != '-')
			return -1;
		if (i < 5)
			s++;
	}
	return *s ? -1 : 0;
}

/* ---- the device ---------------------------------------------------------- */

/* An address as text, in the caller's buffer (inet_ntoa has one). */
static const char *ip4(struct in_addr a, char *buf)
{
	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
	return buf;
}

void net_format_mac(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int net_dev_attr(const char *sysfs, const char *dev, const char *attr, char *buf, size_t len)
{
	char rel[IFNAMSIZ + 64];

	snprintf(rel, sizeof(rel), "class/net/%s/%s", dev, attr);
	return read_attr(sysfs, rel, buf, len);
}

int net_find_device(const char *sysfs, const struct net_config *c,
		    char *dev, size_t len, struct err *e)
{
	char path[4096], best[IFNAMSIZ] = "", v[64], mac[18];
	long best_index = 0;
	struct dirent *d;
	DIR *dir;

	if (c->device[0]) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/class/net/%s", sysfs, c->device);
		if (stat(path, &st) < 0)
			return err_ret(e, EXIT_DAMAGED, "%s: no such network device", c->device);
		snprintf(dev, len, "%s", c->device);
		return 0;
	}
	if (c->has_mac)
		net_format_mac(c->mac, mac);
	snprintf(path, sizeof(path), "%s/class/net", sysfs);
	dir = opendir(path);
	if (!dir)
		return err_ret(e, EXIT_DAMAGED, "%s:", path);
	while ((d = readdir(dir)) != NULL) {
		long index;
		char *end;

		if (d->d_name[0] == '.' || strlen(d->d_name) >= IFNAMSIZ)
			continue;
		if (c->has_mac) {
			uint8_t m[6];

			if (net_dev_attr(sysfs, d->d_name, "address", v, sizeof(v)) < 0 ||
			    net_parse_mac(v, m) < 0 || memcmp(m, c->mac, 6) != 0)
				continue;
		} else if (strcmp(d->d_name, "lo") == 0 ||
			   net_dev_attr(sysfs, d->d_name, "type", v, sizeof(v)) < 0 || strcmp(v, "1") != 0) {
			continue;
		}
		index = 0;
		if (net_dev_attr(sysfs, d->d_name, "ifindex", v, sizeof(v)) == 0) {
			index = strtol(v, &end, 10);
			if (*end || index < 0)
				index = 0;
		}
		/* The lowest ifindex (the kernel's order), then the name. */
		if (!best[0] || index < best_index ||
		    (index == best_index && strcmp(d->d_name, best) < 0)) {
			snprintf(best, sizeof(best), "%s", d->d_name);
			best_index = index;
		}
	}
	closedir(dir);
	if (!best[0]) {
		if (c->has_mac)
			return err_ret(e, EXIT_DAMAGED, "no network device with MAC %s", mac);
		return err_ret(e, EXIT_DAMAGED, "no network device (is its driver in the initramfs?)");
	}
	snprintf(dev, len, "%s", best);
	return 0;
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int net_wait_device(const char *sysfs, const struct net_config *c,
		    char *dev, size_t len, struct err *e)
{
	double deadline = monotonic_seconds() + c->device_wait;

	for (;;) {
		if (net_find_device(sysfs, c, dev, len, e) == 0)
			return 0;
		if (monotonic_seconds() >= deadline)
			break;
		nap_ms(200);
	}
	if (c->device[0] || c->has_mac)
		snprintf(e->msg + strlen(e->msg), sizeof(e->msg) - strlen(e->msg),
			 " (waited %d s)", c->device_wait);
	return -1;
}

/* ---- DHCP packets -------------------------------------------------------- */

static const uint8_t cookie[4] = { 99, 130, 83, 99 };

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t dhcp_build(uint8_t *buf, size_t len, const struct dhcp_request *rq)
{
	static const uint8_t params[] = { 1, 3, 6, 51, 54 };
	size_t n = DHCP_FIXED_LEN, hl = rq->hostname ? strlen(rq->hostname) : 0;

	if (len < DHCP_PACKET_MAX)
		return 0;
	if (hl > 63)
		hl = 63;
	memset(buf, 0, DHCP_PACKET_MAX);
	buf[0] = 1;		/* BOOTREQUEST */
	buf[1] = 1;		/* Ethernet */
	buf[2] = 6;
	put32(buf + 4, rq->xid);
	buf[8] = (uint8_t)(rq->secs >> 8);
	buf[9] = (uint8_t)rq->secs;
	buf[10] = 0x80;		/* broadcast: we have no address to unicast to */
	memcpy(buf + 28, rq->mac, 6);
	memcpy(buf + 236, cookie, 4);
	buf[n++] = 53;
	buf[n++] = 1;
	buf[n++] = (uint8_t)rq->type;
	buf[n++] = 61;		/* client identifier: type 1, the MAC */
	buf[n++] = 7;
	buf[n++] = 1;
	memcpy(buf + n, rq->mac, 6);
	n += 6;
	buf[n++] = 57;		/* maximum message size */
	buf[n++] = 2;
	buf[n++] = DHCP_PACKET_MAX >> 8;
	buf[n++] = DHCP_PACKET_MAX & 0xff;
	buf[n++] = 55;
	buf[n++] = sizeof(params);
	memcpy(buf + n, params, sizeof(params));
	n += sizeof(params);
	if (rq->type == DHCP_REQUEST) {
		buf[n++] = 50;
		buf[n++] = 4;
		memcpy(buf + n, &rq->requested.s_addr, 4);
		n += 4;
		buf[n++] = 54;
		buf[n++] = 4;
		memcpy(buf + n, &rq->server.s_addr, 4);
		n += 4;
	}
	if (hl) {
		buf[n++] = 12;
		buf[n++] = (uint8_t)hl;
		memcpy(buf + n, rq->hostname, hl);
		n += hl;
	}
	buf[n++] = 255;
	return n < 300 ? 300 : n;
}

static int one_addr(const uint8_t *v, size_t l, int code, struct in_addr *a, struct err *e)
{
	if (l != 4)
		return err_ret(e, EXIT_DAMAGED, "DHCP option %d has length %zu, not 4", code, l);
	memcpy(&a->s_addr, v, 4);
	return 0;
}

int dhcp_parse(const uint8_t *buf, size_t len, uint32_t xid,
	       const uint8_t mac[6], struct dhcp_reply *r, struct err *e)
{
	size_t i = DHCP_FIXED_LEN;
	int end = 0;

	memset(r, 0, sizeof(*r));
	if (len < DHCP_FIXED_LEN)
		return err_ret(e, EXIT_DAMAGED, "DHCP reply of %zu bytes is truncated", len);
	if (buf[0] != 2)
		return err_ret(e, EXIT_DAMAGED, "not a BOOTREPLY (op %u)", buf[0]);
	if (buf[1] != 1 || buf[2] != 6)
		return err_ret(e, EXIT_DAMAGED, "DHCP reply not for Ethernet");
	if (get32(buf + 4) != xid)
		return err_ret(e, EXIT_DAMAGED, "DHCP reply for another transaction");
	if (memcmp(buf + 28, mac, 6) != 0)
		return err_ret(e, EXIT_DAMAGED, "DHCP reply for another client");
	if (memcmp(buf + 236, cookie, 4) != 0)
		return err_ret(e, EXIT_DAMAGED, "DHCP reply without the magic cookie");
	memcpy(&r->yiaddr.s_addr, buf + 16, 4);
	while (i < len && !end) {
		uint8_t code = buf[i++];
		const uint8_t *v;
		size_t l;

		if (code == 0)
			continue;
		if (code == 255) {
			end = 1;
			break;
		}
		if (i >= len)
			return err_ret(e, EXIT_DAMAGED, "DHCP option %u truncated", code);
		l = buf[i++];
		if (l > len - i)
			return err_ret(e, EXIT_DAMAGED, "DHCP option %u overruns the packet", code);
		v = buf + i;
		i += l;
		switch (code) {
		case 1:
			if (one_addr(v, l, code, &r->mask, e) < 0)
				return -1;
			break;
		case 3:
			if (l < 4 || l % 4)
				return err_ret(e, EXIT_DAMAGED, "DHCP option 3 has length %zu", l);
			memcpy(&r->router.s_addr, v, 4);
			break;
		case 6:
			if (l < 4 || l % 4)
				return err_ret(e, EXIT_DAMAGED, "DHCP option 6 has length %zu", l);
			for (size_t k = 0; k < l && r->ndns < NET_DNS_MAX; k += 4)
				memcpy(&r->dns[r->ndns++].s_addr, v + k, 4);
			break;
		case 51:
			if (l != 4)
				return err_ret(e, EXIT_DAMAGED, "DHCP option 51 has length %zu", l);
			r->lease = get32(v);
			break;
		case 53:
			if (l != 1)
				return err_ret(e, EXIT_DAMAGED, "DHCP option 53 has length %zu", l);
			r->type = v[0];
			break;
		case 54:
			if (one_addr(v, l, code, &r->server, e) < 0)
				return -1;
			break;
		default:
			break;
		}
	}
	if (!end)
		return err_ret(e, EXIT_DAMAGED, "DHCP reply without an end option");
	if (r->type < DHCP_DISCOVER || r->type > DHCP_RELEASE)
		return err_ret(e, EXIT_DAMAGED, "DHCP reply without a message type");
	if ((r->type == DHCP_OFFER || r->type == DHCP_ACK) && !r->yiaddr.s_addr)
		return err_ret(e, EXIT_DAMAGED, "DHCP offer without an address");
	if (r->type == DHCP_OFFER && !r->server.s_addr)
		return err_ret(e, EXIT_DAMAGED, "DHCP offer without a server identifier");
	return 0;
}

/* ---- ioctls -------------------------------------------------------------- */

static void ifreq_for(struct ifreq *ifr, const char *dev)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", dev);
}

static int set_inaddr(int s, const char *dev, unsigned long req, struct in_addr a,
		      const char *what, struct err *e)
{
	struct ifreq ifr;
	struct sockaddr_in sin;
	char t[INET_ADDRSTRLEN];

	ifreq_for(&ifr, dev);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = a;
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	if (ioctl(s, req, &ifr) < 0)
		return err_ret(e, EXIT_DAMAGED, "%s: setting the %s %s:", dev, what, ip4(a, t));
	return 0;
}

static int set_up(int s, const char *dev, struct err *e)
{
	struct ifreq ifr;

	ifreq_for(&ifr, dev);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return err_ret(e, EXIT_DAMAGED, "%s: reading its flags:", dev);
	if (ifr.ifr_flags & IFF_UP)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return err_ret(e, EXIT_DAMAGED, "%s: bringing it up:", dev);
	return 0;
}

static int set_config(int s, const char *dev, struct in_addr addr, struct in_addr mask,
		      struct err *e)
{
	if (set_inaddr(s, dev, SIOCSIFADDR, addr, "address", e) < 0)
		return -1;
	return set_inaddr(s, dev, SIOCSIFNETMASK, mask, "netmask", e);
}

static int add_default_route(int s, const char *dev, struct in_addr gw, struct err *e)
{
	struct rtentry rt;
	struct sockaddr_in sin;
	char name[IFNAMSIZ], t[INET_ADDRSTRLEN];

	memset(&rt, 0, sizeof(rt));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	memcpy(&rt.rt_dst, &sin, sizeof(sin));
	memcpy(&rt.rt_genmask, &sin, sizeof(sin));
	sin.sin_addr = gw;
	memcpy(&rt.rt_gateway, &sin, sizeof(sin));
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	snprintf(name, sizeof(name), "%s", dev);
	rt.rt_dev = name;
	/* Already there (a second netup): what we wanted. */
	if (ioctl(s, SIOCADDRT, &rt) < 0 && errno != EEXIST) {
		if (errno == ENETUNREACH)
			return err_ret(e, EXIT_DAMAGED, "%s: gateway %s is not on its network", dev, ip4(gw, t));
		return err_ret(e, EXIT_DAMAGED, "%s: adding the default route via %s:", dev, ip4(gw, t));
	}
	return 0;
}

static int get_mac(int s, const char *dev, uint8_t mac[6], struct err *e)
{
	struct ifreq ifr;

	ifreq_for(&ifr, dev);
	if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
		return err_ret(e, EXIT_DAMAGED, "%s: reading its MAC address:", dev);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int wait_carrier(const char *sysfs, const char *dev, int secs, struct err *e)
{
	double deadline = monotonic_seconds() + secs;
	char v[16];

	for (;;) {
		/* EINVAL while the device is down: not yet. */
		if (net_dev_attr(sysfs, dev, "carrier", v, sizeof(v)) == 0 && strcmp(v, "1") == 0)
			return 0;
		if (monotonic_seconds() >= deadline)
			return err_ret(e, EXIT_DAMAGED, "%s: no carrier (is the cable in? waited %d s)", dev, secs);
		nap_ms(100);
	}
}

/* ---- the DHCP client ----------------------------------------------------- */

struct dhcp_client {
	int fd;
	const char *dev;
	uint8_t mac[6];
	uint32_t xid;
	double start;
	const char *hostname;
	uint8_t buf[1500];
};

static uint32_t random32(const uint8_t mac[6])
{
	uint32_t v;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	/* Early in a dump kernel the pool may not be ready. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	v = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec << 20 ^ (uint32_t)getpid();
	return v ^ get32(mac + 2);
}

static int dhcp_send(struct dhcp_client *dc, int type, struct in_addr req, struct in_addr srv,
		     struct err *e)
{
	struct dhcp_request rq = { .type = type, .xid = dc->xid, .requested = req,
				   .server = srv, .hostname = dc->hostname };
	struct sockaddr_in to;
	double secs = monotonic_seconds() - dc->start;
	size_t n;

	memcpy(rq.mac, dc->mac, 6);
	rq.secs = (uint16_t)(secs > 65535 ? 65535 : secs);
	n = dhcp_build(dc->buf, sizeof(dc->buf), &rq);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(DHCP_SERVER_PORT);
	to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	if (sendto(dc->fd, dc->buf, n, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)n)
		return err_ret(e, EXIT_DAMAGED, "%s: sending a DHCP request:", dc->dev);
	return 0;
}

/* Wait until deadline for a reply of one of the types in mask (bits
 * 1 << type), from server when it is not 0. 1 got one, 0 timed out. */
static int dhcp_recv(struct dhcp_client *dc, double deadline, unsigned mask,
		     struct in_addr server, struct dhcp_reply *r, struct err *e)
{
	for (;;) {
		struct pollfd pfd = { .fd = dc->fd, .events = POLLIN };
		double left = deadline - monotonic_seconds();
		struct sockaddr_in from = { .sin_port = 0 };
		socklen_t fl = sizeof(from);
		struct err ignore;
		ssize_t n;
		int rc;

		if (left <= 0)
			return 0;
		rc = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return err_ret(e, EXIT_DAMAGED, "%s: waiting for DHCP:", dc->dev);
		if (rc == 0)
			continue;
		n = recvfrom(dc->fd, dc->buf, sizeof(dc->buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return err_ret(e, EXIT_DAMAGED, "%s: receiving DHCP:", dc->dev);
		/* Anything else on the wire is someone else's: ignore it. */
		if (from.sin_port != htons(DHCP_SERVER_PORT) ||
		    dhcp_parse(dc->buf, (size_t)n, dc->xid, dc->mac, r, &ignore) < 0)
			continue;
		if (!(mask & (1u << r->type)))
			continue;
		if (server.s_addr && r->server.s_addr && r->server.s_addr != server.s_addr)
			continue;
		return 1;
	}
}

static int dhcp_socket(const char *dev, struct err *e)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sin;

	if (fd < 0)
		return err_ret(e, EXIT_DAMAGED, "%s: DHCP socket:", dev);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(DHCP_CLIENT_PORT);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, (socklen_t)strlen(dev) + 1) < 0) {
		err_set(e, EXIT_DAMAGED, "%s: DHCP socket options:", dev);
		close(fd);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err_set(e, EXIT_DAMAGED, "%s: binding UDP port %d for DHCP:", dev, DHCP_CLIENT_PORT);
		close(fd);
		return -1;
	}
	return fd;
}

/* DISCOVER, OFFER, REQUEST, ACK; a NAK starts over. Try k of n waits
 * k units of the total (2, 4, 6, 8 s of 20 s). */
static int dhcp_lease(const struct net_config *c, const char *dev, int s,
		      struct dhcp_reply *ack, struct err *e)
{
	struct dhcp_client dc = { .dev = dev, .hostname = c->hostname };
	int tries = c->dhcp_tries > 0 ? c->dhcp_tries : 1;
	double unit = (double)c->dhcp_timeout * 2 / (tries * (tries + 1));
	double end;
	struct in_addr none = { 0 };
	struct dhcp_reply offer;
	char t1[INET_ADDRSTRLEN], t2[INET_ADDRSTRLEN];
	int offered = 0, naks = 0, new_xid = 1, rc = -1;

	if (get_mac(s, dev, dc.mac, e) < 0)
		return -1;
	dc.fd = dhcp_socket(dev, e);
	if (dc.fd < 0)
		return -1;
	dc.start = monotonic_seconds();
	end = dc.start + c->dhcp_timeout;
	for (int t = 1; t <= tries && monotonic_seconds() < end;) {
		double deadline = monotonic_seconds() + unit * t;
		int got;

		if (deadline > end || t == tries)
			deadline = end;
		/* One xid for the retransmissions: a slow server's offer
		 * (dnsmasq pings the address first) still counts. */
		if (new_xid)
			dc.xid = random32(dc.mac);
		new_xid = 0;
		if (dhcp_send(&dc, DHCP_DISCOVER, none, none, e) < 0)
			goto out;
		got = dhcp_recv(&dc, deadline, 1u << DHCP_OFFER, none, &offer, e);
		if (got < 0)
			goto out;
		if (!got) {
			t++;
			continue;
		}
		offered = 1;
		if (dhcp_send(&dc, DHCP_REQUEST, offer.yiaddr, offer.server, e) < 0)
			goto out;
		/* An offer late in this try still gets a whole unit for its
		 * ACK: an ACK that came after we had started over would be
		 * dropped, and the lease asked for again. */
		if (deadline < monotonic_seconds() + unit)
			deadline = monotonic_seconds() + unit;
		if (deadline > end)
			deadline = end;
		got = dhcp_recv(&dc, deadline, 1u << DHCP_ACK | 1u << DHCP_NAK, offer.server, ack, e);
		if (got < 0)
			goto out;
		if (got && ack->type == DHCP_ACK) {
			if (!ack->server.s_addr)
				ack->server = offer.server;
			rc = 0;
			goto out;
		}
		if (!got) {
			t++;
		} else {
			/* NAK: the offer is gone; start over, now. */
			new_xid = 1;
			if (++naks > 8)
				break;
		}
	}
	if (naks)
		err_set(e, EXIT_DAMAGED, "%s: the DHCP server %s refused (NAK) the address it offered",
			dev, ip4(offer.server, t1));
	else if (offered)
		err_set(e, EXIT_DAMAGED, "%s: the DHCP server %s offered %s but did not confirm it in %d s",
			dev, ip4(offer.server, t1), ip4(offer.yiaddr, t2), c->dhcp_timeout);
	else
		err_set(e, EXIT_DAMAGED, "%s: no DHCP answer in %d s", dev, c->dhcp_timeout);
out:
	close(dc.fd);
	return rc;
}

/* ---- resolv.conf --------------------------------------------------------- */

static int write_resolv(const char *path, const struct net_lease *l, struct err *e)
{
	char tmp[4096], line[64], t[INET_ADDRSTRLEN];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return err_ret(e, EXIT_DAMAGED, "%s: name too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_ret(e, EXIT_DAMAGED, "%s:", tmp);
	for (int i = 0; i < l->ndns; i++) {
		int n = snprintf(line, sizeof(line), "nameserver %s\n", ip4(l->dns[i], t));

		if (write_all(fd, line, (size_t)n) < 0) {
			err_set(e, EXIT_DAMAGED, "%s:", tmp);
			close(fd);
			unlink(tmp);
			return -1;
		}
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		err_set(e, EXIT_DAMAGED, "%s:", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* ---- up ------------------------------------------------------------------ */

int net_up(const struct net_config *c, const char *sysfs, const char *resolv,
	   struct net_lease *l, struct err *e)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) }, lomask = { htonl(0xff000000u) };
	int s, rc = -1;

	memset(l, 0, sizeof(*l));
	l->method = c->method;
	if (c->method == NET_OFF)
		return 0;
	if (net_wait_device(sysfs, c, l->device, sizeof(l->device), e) < 0)
		return -1;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return err_ret(e, EXIT_DAMAGED, "socket:");
	if (set_config(s, "lo", lo, lomask, e) < 0 || set_up(s, "lo", e) < 0)
		goto out;
	if (set_up(s, l->device, e) < 0 || get_mac(s, l->device, l->mac, e) < 0)
		goto out;
	if (wait_carrier(sysfs, l->device, c->carrier_wait, e) < 0)
		goto out;
	for (int i = 0; i < NET_DNS_MAX; i++)
		if (c->dns[i].s_addr)
			l->dns[l->ndns++] = c->dns[i];
	if (c->method == NET_STATIC) {
		l->addr = c->client;
		l->mask = c->netmask.s_addr ? c->netmask : (struct in_addr){ net_class_mask(c->client.s_addr) };
		l->gateway = c->gateway;
	} else {
		struct dhcp_reply ack;

		if (dhcp_lease(c, l->device, s, &ack, e) < 0)
			goto out;
		l->addr = ack.yiaddr;
		l->mask = ack.mask.s_addr && net_prefix_len(ack.mask) >= 0 ? ack.mask :
			(struct in_addr){ net_class_mask(ack.yiaddr.s_addr) };
		l->gateway = ack.router;
		l->server = ack.server;
		l->lease = ack.lease;
		/* The server's DNS, else what ip= named. */
		if (ack.ndns) {
			l->ndns = ack.ndns;
			memcpy(l->dns, ack.dns, sizeof(l->dns));
		}
	}
	if (set_config(s, l->device, l->addr, l->mask, e) < 0)
		goto out;
	if (l->gateway.s_addr && add_default_route(s, l->device, l->gateway, e) < 0)
		goto out;
	if (resolv && l->ndns) {
		if (write_resolv(resolv, l, e) < 0)
			goto out;
		l->resolv_written = 1;
	}
	rc = 0;
out:
	close(s);
	return rc;
}

void net_lease_line(const struct net_lease *l, char *buf, size_t len)
{
	char addr[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], srv[INET_ADDRSTRLEN];

	if (l->method == NET_OFF) {
		snprintf(buf, len, "network off (ip=off)");
		return;
	}
	inet_ntop(AF_INET, &l->addr, addr, sizeof(addr));
	inet_ntop(AF_INET, &l->gateway, gw, sizeof(gw));
	inet_ntop(AF_INET, &l->server, srv, sizeof(srv));
	snprintf(buf, len, "%s: %s/%d%s%s (%s%s)", l->device, addr, net_prefix_len(l->mask),
		 l->gateway.s_addr ? " via " : "", l->gateway.s_addr ? gw : "",
		 l->method == NET_DHCP ? "DHCP from " : "static",
		 l->method == NET_DHCP ? srv : "");
}
