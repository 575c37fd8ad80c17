/* The running system's network, for the capture kernel's command line:
 * what kdump-load --net writes so that the dump kernel comes up where the
 * crashed system was, without a DHCP server (kdump-utils does the same
 * with the interface its dump target is reached through). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/net.h"

/* The default route through dev in PROC/net/route, whose addresses are
 * the in_addr's 32 bits printed in hex. */
static void find_gateway(const char *proc, const char *dev, struct in_addr *gw)
{
	char path[4096], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/net/route", proc);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
		unsigned long v[8] = { 0 };
		char *save, *tok = strtok_r(line, " \t\n", &save);
		int n = 0;

		if (!tok || strcmp(tok, dev) != 0)
			continue;	/* another device, or the header */
		while (n < 7 && (tok = strtok_r(NULL, " \t\n", &save)) != NULL) {
			char *end;

			v[++n] = strtoul(tok, &end, 16);
			if (*end)
				break;
		}
		/* Destination 0, mask 0: the default route; up, via a gateway. */
		if (n >= 7 && v[1] == 0 && v[7] == 0 && (v[3] & RTF_UP) && (v[3] & RTF_GATEWAY)) {
			gw->s_addr = (in_addr_t)v[2];
			break;
		}
	}
	(void)fclose(f);	/* read only: nothing to lose */
}

/* The IPv4 name servers of resolv, but those on loopback (a local cache,
 * systemd-resolved's 127.0.0.53): the dump kernel runs none. */
static void find_dns(const char *resolv, struct net_running *r)
{
	char line[512], addr[64];
	struct in_addr a;
	FILE *f = resolv ? fopen(resolv, "re") : NULL;

	if (!f)
		return;
	while (r->ndns < 2 && fgets(line, sizeof(line), f))
		if (sscanf(line, " nameserver %63s", addr) == 1 && inet_pton(AF_INET, addr, &a) == 1 &&
		    (ntohl(a.s_addr) >> 24) != 127)
			r->dns[r->ndns++] = a;
	(void)fclose(f);	/* read only */
}

int net_running(const char *dev, const char *proc, const char *sysfs, const char *resolv,
		struct net_running *r, struct err *e)
{
	struct ifreq ifr;
	char path[4096], buf[64];
	int s;

	memset(r, 0, sizeof(*r));
	if (!*dev || strlen(dev) >= IFNAMSIZ || strchr(dev, '/'))
		return err_ret(e, EXIT_USAGE, "%s: not a network device name", dev);
	snprintf(r->device, sizeof(r->device), "%s", dev);
	/* The ioctls, not getifaddrs: the first IPv4 address is what ip=
	 * can carry, and they need no netlink. */
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return err_ret(e, EXIT_DAMAGED, "socket:");
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, dev, strlen(dev));
	if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
		close(s);
		return err_ret(e, EXIT_DAMAGED, "%s: no such network device", dev);
	}
	if (ioctl(s, SIOCGIFADDR, &ifr) < 0) {
		close(s);
		return err_ret(e, EXIT_DAMAGED, "%s: no IPv4 address (the dump kernel's ip= is "
			       "IPv4; --append ip=dhcp asks DHCP instead)", dev);
	}
	r->addr = ((struct sockaddr_in *)(void *)&ifr.ifr_addr)->sin_addr;
	if (ioctl(s, SIOCGIFNETMASK, &ifr) < 0) {
		close(s);
		return err_ret(e, EXIT_DAMAGED, "%s: no netmask:", dev);
	}
	r->mask = ((struct sockaddr_in *)(void *)&ifr.ifr_netmask)->sin_addr;
	close(s);
	if ((ntohl(r->addr.s_addr) >> 24) == 127)
		return err_ret(e, EXIT_USAGE, "%s: a loopback device reaches no dump server", dev);

	/* The MAC names the device in the dump kernel, whose names need
	 * not be this system's (no udev there: eth0, not enp1s0). */
	if (net_dev_attr(sysfs, dev, "address", buf, sizeof(buf)) < 0 ||
	    net_parse_mac(buf, r->mac) < 0)
		return err_ret(e, EXIT_DAMAGED, "%s: no MAC address in %s/class/net/%s/address", dev,
			       sysfs, dev);
	/* A bridge, bond or VLAN has no device of its own: the dump kernel
	 * sets up none of them, and finds the MAC on a NIC or not at all. */
	snprintf(path, sizeof(path), "%s/class/net/%s/device", sysfs, dev);
	r->physical = access(path, F_OK) == 0;
	find_gateway(proc, dev, &r->gateway);
	find_dns(resolv, r);
	return 0;
}

void net_running_args(const struct net_running *r, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN] = "";
	char d0[INET_ADDRSTRLEN] = "", d1[INET_ADDRSTRLEN] = "", mac[18];

	inet_ntop(AF_INET, &r->addr, a, sizeof(a));
	inet_ntop(AF_INET, &r->mask, m, sizeof(m));
	if (r->gateway.s_addr)
		inet_ntop(AF_INET, &r->gateway, g, sizeof(g));
	if (r->ndns > 0)
		inet_ntop(AF_INET, &r->dns[0], d0, sizeof(d0));
	if (r->ndns > 1)
		inet_ntop(AF_INET, &r->dns[1], d1, sizeof(d1));
	/* CLIENT:SERVER:GW:NETMASK:HOSTNAME:DEVICE:AUTOCONF:DNS0:DNS1, the
	 * device left to dumpbox.ifmac. */
	net_format_mac(r->mac, mac);
	snprintf(buf, len, "ip=%s::%s:%s:::off%s%s%s%s dumpbox.ifmac=%s", a, g, m,
		 r->ndns ? ":" : "", d0, r->ndns > 1 ? ":" : "", d1, mac);
}
