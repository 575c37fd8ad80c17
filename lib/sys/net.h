/* The dump kernel's network: the kernel's ip= parameter read as
 * Documentation/admin-guide/nfs/nfsroot.rst describes it, the device
 * chosen from sysfs, brought up with ioctls, configured statically or by
 * a DHCP client of our own (RFC 2131: one lease, no renewals; the dump
 * kernel lives minutes), a default route and a resolv.conf. For init and
 * netup, in builds without a shell or udhcpc to apply a lease.
 *
 * The DHCP packet builder and reply parser are pure functions on buffers:
 * the parser reads untrusted network input (unit-tested, fuzzed). */
#ifndef DUMPBOX_NET_H
#define DUMPBOX_NET_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define NET_DNS_MAX 3

enum net_method {
	NET_OFF,	/* ip=off|none: no network */
	NET_DHCP,	/* ip=dhcp|on|any, or no client address */
	NET_STATIC,	/* a client address given */
};

/* What ip= says (an address 0 is "not given"), plus the caller's choices. */
struct net_config {
	enum net_method method;
	struct in_addr client, server, gateway, netmask;
	char hostname[65];
	char device[IFNAMSIZ];		/* "": choose one */
	struct in_addr dns[NET_DNS_MAX];	/* ip= gives at most 2 */
	struct in_addr ntp;
	/* Set by the caller (dumpbox.ifmac=): the device with this MAC. */
	int has_mac;
	uint8_t mac[6];
	/* Bounds, in seconds (net_config_init: 10, 10, 20) and tries (4). */
	int device_wait, carrier_wait, dhcp_timeout, dhcp_tries;
};

/* Defaults: DHCP on the first Ethernet device, the bounds above. */
void net_config_init(struct net_config *c);

/* Parse the value of ip= (without "ip=") into c, over what
 * net_config_init set:
 *   off, none, ""            NET_OFF
 *   on, any, dhcp            NET_DHCP
 *   CLIENT:SERVER:GW:NETMASK:HOSTNAME:DEVICE:AUTOCONF:DNS0:DNS1:NTP0
 *                            any field may be empty, trailing ones left
 *                            out; a client address makes it NET_STATIC,
 *                            unless AUTOCONF is dhcp/on/any; AUTOCONF
 *                            off/none/static needs a client address.
 * A static netmask left out defaults from the address class, as the
 * kernel's ipconfig does (A: /8, B: /16, C: /24). bootp, rarp and both
 * are refused: only dhcp and static are supported. 0, or -1 with e. */
int net_parse_ip(const char *spec, struct net_config *c, struct err *e);

/* "52:54:00:12:34:56" (or with '-'), any case. 0, or -1. */
int net_parse_mac(const char *s, uint8_t mac[6]);

/* The other way: "52:54:00:12:34:56". */
void net_format_mac(const uint8_t mac[6], char buf[18]);

/* SYSFS/class/net/DEV/ATTR's first line into buf. 0, or -1. */
int net_dev_attr(const char *sysfs, const char *dev, const char *attr, char *buf, size_t len);

/* The class-based netmask of an address (network byte order). */
uint32_t net_class_mask(uint32_t addr);

/* The device c asks for, from SYSFS/class/net, once (no waiting): the
 * one named, else the one with c->mac, else the Ethernet device
 * (type 1, not loopback) with the lowest ifindex. 0 with its name in
 * dev, or -1 with e. */
int net_find_device(const char *sysfs, const struct net_config *c,
		    char *dev, size_t len, struct err *e);

/* The same, waiting up to c->device_wait seconds for it to appear. */
int net_wait_device(const char *sysfs, const struct net_config *c,
		    char *dev, size_t len, struct err *e);

/* ---- DHCP (RFC 2131), pure ------------------------------------------- */

enum {
	DHCP_DISCOVER = 1, DHCP_OFFER = 2, DHCP_REQUEST = 3, DHCP_DECLINE = 4,
	DHCP_ACK = 5, DHCP_NAK = 6, DHCP_RELEASE = 7,
};
#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_FIXED_LEN 240	/* BOOTP header and the magic cookie */
#define DHCP_PACKET_MAX 576	/* what every server must accept */

struct dhcp_request {
	int type;		/* DHCP_DISCOVER or DHCP_REQUEST */
	uint32_t xid;
	uint16_t secs;
	uint8_t mac[6];
	struct in_addr requested, server;	/* REQUEST: options 50, 54 */
	const char *hostname;	/* option 12 when not NULL or "" */
};

/* Build a BOOTREQUEST into buf (at least DHCP_PACKET_MAX bytes): the
 * broadcast flag set, options 53, 61, 57, 55 (1, 3, 6, 51, 54), 50 and 54
 * for a REQUEST, 12, end; padded to 300 bytes (BOOTP's minimum). Returns
 * its length, or 0 when len is too small. */
size_t dhcp_build(uint8_t *buf, size_t len, const struct dhcp_request *rq);

struct dhcp_reply {
	int type;		/* option 53 */
	struct in_addr yiaddr;
	struct in_addr server;	/* option 54, 0 if absent */
	struct in_addr mask;	/* option 1, 0 if absent */
	struct in_addr router;	/* the first of option 3, 0 if absent */
	struct in_addr dns[NET_DNS_MAX];	/* option 6 */
	int ndns;
	uint32_t lease;		/* option 51, seconds; 0 if absent */
};

/* Parse a BOOTREPLY of len bytes that must answer xid and mac: op 2,
 * Ethernet, the cookie, every option inside the packet and of its
 * proper length, an end option, a message type; an OFFER or ACK must
 * give an address, an OFFER its server. 0, or -1 with e (EXIT_DAMAGED)
 * saying why. */
int dhcp_parse(const uint8_t *buf, size_t len, uint32_t xid,
	       const uint8_t mac[6], struct dhcp_reply *r, struct err *e);

/* ---- bringing it up ---------------------------------------------------- */

struct net_lease {
	char device[IFNAMSIZ];
	enum net_method method;
	uint8_t mac[6];
	struct in_addr addr, mask, gateway;	/* gateway 0: none */
	struct in_addr server;	/* DHCP: who gave the lease */
	struct in_addr dns[NET_DNS_MAX];
	int ndns;
	uint32_t lease;		/* DHCP: seconds */
	int resolv_written;
};

/* Bring the network up as c says: lo up as 127.0.0.1, the device chosen
 * (SYSFS, waiting), up, its carrier (waiting), then the static
 * configuration or a DHCP lease; the address, netmask, default route and
 * (when a DNS server is known and resolv is not NULL) resolv. NET_OFF
 * does nothing. Fills l; 0, or -1 with e ("eth0: no carrier"). */
int net_up(const struct net_config *c, const char *sysfs, const char *resolv,
	   struct net_lease *l, struct err *e);

/* The one line: "eth0: 10.0.2.15/24 via 10.0.2.2 (DHCP from 10.0.2.2)". */
void net_lease_line(const struct net_lease *l, char *buf, size_t len);

/* A netmask's prefix length (-1 when its bits are not contiguous). */
int net_prefix_len(struct in_addr mask);

/* ---- the running system's (lib/sys/netrunning.c) ------------------------ */

struct net_running {
	char device[IFNAMSIZ];
	struct in_addr addr, mask, gateway;	/* gateway 0: no default route */
	struct in_addr dns[2];		/* what ip= can carry */
	int ndns;
	uint8_t mac[6];
	int physical;			/* SYSFS/class/net/DEV/device exists */
};

/* Device dev's first IPv4 address and netmask (getifaddrs), its MAC
 * (SYSFS/class/net), the default route through it (PROC/net/route) and
 * the name servers of resolv (NULL: none) not on loopback. 0, or -1 with
 * e ("eth0: no such device with an IPv4 address"). */
int net_running(const char *dev, const char *proc, const char *sysfs, const char *resolv,
		struct net_running *r, struct err *e);

/* For the dump kernel's command line:
 * "ip=ADDR::GW:MASK:::off[:DNS0[:DNS1]] dumpbox.ifmac=MAC". */
void net_running_args(const struct net_running *r, char *buf, size_t len);

#endif
