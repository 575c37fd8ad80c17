/* The dump kernel's network (lib/sys/net.c): ip= as the kernel reads it,
 * the DHCP packets we send and the replies we accept (a real dnsmasq
 * 2.90 OFFER and ACK, and damaged ones), and the device chosen from a
 * fake sysfs tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/net.h"

/* Captured from dnsmasq 2.90 (--dhcp-range=10.99.0.50,10.99.0.60,
 * 255.255.255.0,1h, router 10.99.0.1, DNS 10.99.0.53 and .54) answering
 * our DISCOVER and REQUEST for 52:54:00:12:34:56, xid 0x83349cad. */
static const uint32_t real_xid = 0x83349cad;
static const uint8_t real_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t offer[300] = {
	0x02, 0x01, 0x06, 0x00, 0x83, 0x34, 0x9c, 0xad, 0x00, 0x00, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0a, 0x63, 0x00, 0x3a, 0x0a, 0x63, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
	0x35, 0x01, 0x02, 0x36, 0x04, 0x0a, 0x63, 0x00, 0x01, 0x33, 0x04, 0x00,
	0x00, 0x0e, 0x10, 0x3a, 0x04, 0x00, 0x00, 0x07, 0x08, 0x3b, 0x04, 0x00,
	0x00, 0x0c, 0x4e, 0x01, 0x04, 0xff, 0xff, 0xff, 0x00, 0x1c, 0x04, 0x0a,
	0x63, 0x00, 0xff, 0x06, 0x08, 0x0a, 0x63, 0x00, 0x35, 0x0a, 0x63, 0x00,
	0x36, 0x03, 0x04, 0x0a, 0x63, 0x00, 0x01, 0xff, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t ack[300] = {
	0x02, 0x01, 0x06, 0x00, 0x83, 0x34, 0x9c, 0xad, 0x00, 0x03, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0a, 0x63, 0x00, 0x3a, 0x0a, 0x63, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
	0x35, 0x01, 0x05, 0x36, 0x04, 0x0a, 0x63, 0x00, 0x01, 0x33, 0x04, 0x00,
	0x00, 0x0e, 0x10, 0x3a, 0x04, 0x00, 0x00, 0x07, 0x08, 0x3b, 0x04, 0x00,
	0x00, 0x0c, 0x4e, 0x01, 0x04, 0xff, 0xff, 0xff, 0x00, 0x1c, 0x04, 0x0a,
	0x63, 0x00, 0xff, 0x06, 0x08, 0x0a, 0x63, 0x00, 0x35, 0x0a, 0x63, 0x00,
	0x36, 0x03, 0x04, 0x0a, 0x63, 0x00, 0x01, 0xff, 0x00, 0x00, 0x00, 0x00,
};

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static int parse(const char *spec, struct net_config *c, struct err *e)
{
	net_config_init(c);
	return net_parse_ip(spec, c, e);
}

/* ---- ip= ---- */

static void ip_shorthands(void **state)
{
	static const char *const off[] = { "off", "none", "" };
	static const char *const dhcp[] = { "on", "any", "dhcp" };
	struct net_config c;
	struct err e;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(parse(off[i], &c, &e), 0);
		assert_int_equal(c.method, NET_OFF);
		assert_int_equal(parse(dhcp[i], &c, &e), 0);
		assert_int_equal(c.method, NET_DHCP);
		assert_string_equal(c.device, "");
	}
}

static void ip_bootp_rarp_refused(void **state)
{
	static const char *const no[] = { "bootp", "rarp", "both", "::::::bootp", "::::h:eth0:rarp" };
	struct net_config c;
	struct err e;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(parse(no[i], &c, &e), -1);
		assert_int_equal(e.status, 64);
		assert_non_null(strstr(e.msg, "only dhcp and static"));
	}
}

static void ip_static_full(void **state)
{
	struct net_config c;
	struct err e;

	(void)state;
	assert_int_equal(parse("10.0.2.15:10.0.2.4:10.0.2.2:255.255.255.128:dumphost:eth1:off:"
			       "8.8.8.8:1.1.1.1:10.0.2.3", &c, &e), 0);
	assert_int_equal(c.method, NET_STATIC);
	assert_int_equal(c.client.s_addr, ip("10.0.2.15"));
	assert_int_equal(c.server.s_addr, ip("10.0.2.4"));
	assert_int_equal(c.gateway.s_addr, ip("10.0.2.2"));
	assert_int_equal(c.netmask.s_addr, ip("255.255.255.128"));
	assert_int_equal(net_prefix_len(c.netmask), 25);
	assert_string_equal(c.hostname, "dumphost");
	assert_string_equal(c.device, "eth1");
	assert_int_equal(c.dns[0].s_addr, ip("8.8.8.8"));
	assert_int_equal(c.dns[1].s_addr, ip("1.1.1.1"));
	assert_int_equal(c.dns[2].s_addr, 0);
	assert_int_equal(c.ntp.s_addr, ip("10.0.2.3"));
	assert_int_equal(parse("10.0.2.15::::::static", &c, &e), 0);
	assert_int_equal(c.method, NET_STATIC);
}

static void ip_static_partial_class_netmask(void **state)
{
	struct net_config c;
	struct err e;

	(void)state;
	/* The kernel's class-based default netmask. */
	assert_int_equal(parse("10.1.2.3", &c, &e), 0);
	assert_int_equal(c.method, NET_STATIC);
	assert_int_equal(c.netmask.s_addr, ip("255.0.0.0"));
	assert_int_equal(c.gateway.s_addr, 0);
	assert_int_equal(parse("172.16.0.5:::::eth2", &c, &e), 0);
	assert_int_equal(c.netmask.s_addr, ip("255.255.0.0"));
	assert_string_equal(c.device, "eth2");
	assert_int_equal(parse("192.168.1.5::192.168.1.1", &c, &e), 0);
	assert_int_equal(c.netmask.s_addr, ip("255.255.255.0"));
	assert_int_equal(c.gateway.s_addr, ip("192.168.1.1"));
	assert_string_equal(c.hostname, "");
	assert_int_equal(c.dns[0].s_addr, 0);
}

static void ip_fields_without_client_are_dhcp(void **state)
{
	struct net_config c;
	struct err e;

	(void)state;
	assert_int_equal(parse("::::myhost:eth1:dhcp", &c, &e), 0);
	assert_int_equal(c.method, NET_DHCP);
	assert_string_equal(c.device, "eth1");
	assert_string_equal(c.hostname, "myhost");
	assert_int_equal(parse(":::::::", &c, &e), 0);
	assert_int_equal(c.method, NET_DHCP);
	/* autoconf dhcp wins over a client address. */
	assert_int_equal(parse("10.0.0.9:::::eth0:on:9.9.9.9", &c, &e), 0);
	assert_int_equal(c.method, NET_DHCP);
	assert_int_equal(c.dns[0].s_addr, ip("9.9.9.9"));
}

static void ip_bad(void **state)
{
	static const char *const bad[] = {
		"10.0.2.300", "1.2.3", "10.0.0.1:x", "10.0.0.1:::255.0.255.0",
		"10.0.0.1:::::::dns", "::::::off", "10.0.0.1::::::auto",
		"10.0.0.1:::::../x", "1.2.3.4:::::eth0:off:1.1.1.1:1.1.1.2:1.1.1.3:extra",
	};
	struct net_config c;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.msg[0] = '\0';
		assert_int_equal(parse(bad[i], &c, &e), -1);
		assert_int_equal(e.status, 64);
		assert_true(strncmp(e.msg, "ip=", 3) == 0);
	}
	assert_int_equal(parse("10.0.2.300", &c, &e), -1);
	assert_string_equal(e.msg, "ip=: client address '10.0.2.300' is not an IPv4 address");
	assert_int_equal(parse("1:2:3:4:5:6:7:8:9:10:11", &c, &e), -1);
	assert_non_null(strstr(e.msg, "too many fields"));
}

static void mac_forms(void **state)
{
	uint8_t m[6];

	(void)state;
	assert_int_equal(net_parse_mac("52:54:00:12:34:56", m), 0);
	assert_memory_equal(m, real_mac, 6);
	assert_int_equal(net_parse_mac("52-54-00-12-34-56", m), 0);
	assert_int_equal(net_parse_mac("AA:bb:cc:dd:ee:FF", m), 0);
	assert_int_equal(m[0], 0xaa);
	assert_int_equal(m[5], 0xff);
	assert_int_equal(net_parse_mac("52:54:00:12:34", m), -1);
	assert_int_equal(net_parse_mac("52:54:00:12:34:56:", m), -1);
	assert_int_equal(net_parse_mac("52:54:00:12:34:5g", m), -1);
	assert_int_equal(net_parse_mac("", m), -1);
}

/* ---- DHCP ---- */

/* The option CODE of a packet built by dhcp_build, or NULL. */
static const uint8_t *option(const uint8_t *p, size_t len, uint8_t code)
{
	for (size_t i = 240; i < len && p[i] != 255; i += p[i] ? 2u + p[i + 1] : 1u)
		if (p[i] == code)
			return p + i;
	return NULL;
}

static void build_discover(void **state)
{
	struct dhcp_request rq = { .type = DHCP_DISCOVER, .xid = 0x01020304, .secs = 3 };
	uint8_t b[DHCP_PACKET_MAX];
	const uint8_t *o;
	size_t n;

	(void)state;
	memcpy(rq.mac, real_mac, 6);
	n = dhcp_build(b, sizeof(b), &rq);
	assert_int_equal(n, 300);
	assert_int_equal(b[0], 1);
	assert_int_equal(b[1], 1);
	assert_int_equal(b[2], 6);
	assert_int_equal(b[3], 0);
	assert_memory_equal(b + 4, "\x01\x02\x03\x04", 4);
	assert_memory_equal(b + 8, "\x00\x03\x80\x00", 4);	/* secs, broadcast flag */
	for (int i = 12; i < 28; i++)
		assert_int_equal(b[i], 0);	/* ciaddr, yiaddr, siaddr, giaddr */
	assert_memory_equal(b + 28, real_mac, 6);
	assert_memory_equal(b + 236, "\x63\x82\x53\x63", 4);
	assert_memory_equal(b + 240, "\x35\x01\x01", 3);	/* the type comes first */
	o = option(b, n, 61);
	assert_non_null(o);
	assert_memory_equal(o, "\x3d\x07\x01\x52\x54\x00\x12\x34\x56", 9);
	o = option(b, n, 55);
	assert_non_null(o);
	assert_memory_equal(o, "\x37\x05\x01\x03\x06\x33\x36", 7);
	assert_null(option(b, n, 50));
	assert_null(option(b, n, 54));
	assert_null(option(b, n, 12));
	assert_int_equal(dhcp_build(b, DHCP_PACKET_MAX - 1, &rq), 0);
}

static void build_request(void **state)
{
	struct dhcp_request rq = { .type = DHCP_REQUEST, .xid = 0xdeadbeef, .hostname = "crashed" };
	uint8_t b[DHCP_PACKET_MAX];
	const uint8_t *o;
	size_t n;

	(void)state;
	memcpy(rq.mac, real_mac, 6);
	rq.requested.s_addr = ip("10.99.0.58");
	rq.server.s_addr = ip("10.99.0.1");
	n = dhcp_build(b, sizeof(b), &rq);
	assert_int_equal(n, 300);
	assert_memory_equal(b + 240, "\x35\x01\x03", 3);
	o = option(b, n, 50);
	assert_non_null(o);
	assert_memory_equal(o, "\x32\x04\x0a\x63\x00\x3a", 6);
	o = option(b, n, 54);
	assert_non_null(o);
	assert_memory_equal(o, "\x36\x04\x0a\x63\x00\x01", 6);
	o = option(b, n, 12);
	assert_non_null(o);
	assert_memory_equal(o, "\x0c\x07" "crashed", 9);
	/* What we send is no reply. */
	{
		struct dhcp_reply r;
		struct err e;

		assert_int_equal(dhcp_parse(b, n, rq.xid, rq.mac, &r, &e), -1);
	}
}

static void parse_real_offer_ack(void **state)
{
	struct dhcp_reply r;
	struct err e;

	(void)state;
	assert_int_equal(dhcp_parse(offer, sizeof(offer), real_xid, real_mac, &r, &e), 0);
	assert_int_equal(r.type, DHCP_OFFER);
	assert_int_equal(r.yiaddr.s_addr, ip("10.99.0.58"));
	assert_int_equal(r.server.s_addr, ip("10.99.0.1"));
	assert_int_equal(dhcp_parse(ack, sizeof(ack), real_xid, real_mac, &r, &e), 0);
	assert_int_equal(r.type, DHCP_ACK);
	assert_int_equal(r.yiaddr.s_addr, ip("10.99.0.58"));
	assert_int_equal(r.server.s_addr, ip("10.99.0.1"));
	assert_int_equal(r.mask.s_addr, ip("255.255.255.0"));
	assert_int_equal(r.router.s_addr, ip("10.99.0.1"));
	assert_int_equal(r.ndns, 2);
	assert_int_equal(r.dns[0].s_addr, ip("10.99.0.53"));
	assert_int_equal(r.dns[1].s_addr, ip("10.99.0.54"));
	assert_int_equal(r.lease, 3600);
}

static int parse_changed(size_t len, size_t at, uint8_t val, const char *why)
{
	uint8_t b[sizeof(ack)];
	struct dhcp_reply r;
	struct err e;
	int rc;

	memcpy(b, ack, sizeof(b));
	if (at < sizeof(b))
		b[at] = val;
	e.msg[0] = '\0';
	rc = dhcp_parse(b, len, real_xid, real_mac, &r, &e);
	if (rc < 0 && why && !strstr(e.msg, why)) {
		print_error("message '%s' does not say '%s'\n", e.msg, why);
		return 0;
	}
	return rc;
}

/* Where the options of the real ACK are (see the capture). */
enum { ACK_END = 295, ACK_DNS = 279, ACK_TYPE = 240 };

static void parse_damaged(void **state)
{
	(void)state;
	assert_int_equal(ack[ACK_END], 255);
	assert_int_equal(ack[ACK_DNS], 6);
	assert_int_equal(parse_changed(sizeof(ack), sizeof(ack), 0, NULL), 0);
	assert_int_equal(parse_changed(239, sizeof(ack), 0, "truncated"), -1);
	assert_int_equal(parse_changed(0, sizeof(ack), 0, "truncated"), -1);
	assert_int_equal(parse_changed(sizeof(ack), 0, 1, "BOOTREPLY"), -1);
	assert_int_equal(parse_changed(sizeof(ack), 1, 6, "Ethernet"), -1);
	assert_int_equal(parse_changed(sizeof(ack), 236, 0x64, "cookie"), -1);
	assert_int_equal(parse_changed(sizeof(ack), 7, 0xae, "another transaction"), -1);
	assert_int_equal(parse_changed(sizeof(ack), 33, 0x57, "another client"), -1);
	/* Cut inside the DNS option, or before its length, or before the end. */
	assert_int_equal(parse_changed(ACK_DNS + 5, sizeof(ack), 0, "overruns"), -1);
	assert_int_equal(parse_changed(ACK_DNS + 1, sizeof(ack), 0, "truncated"), -1);
	assert_int_equal(parse_changed(ACK_END, sizeof(ack), 0, "end option"), -1);
	/* A length past the packet, or wrong for the option. */
	assert_int_equal(parse_changed(sizeof(ack), ACK_DNS + 1, 200, "overruns"), -1);
	assert_int_equal(parse_changed(sizeof(ack), ACK_DNS + 1, 6, NULL), -1);
	assert_int_equal(parse_changed(sizeof(ack), ACK_TYPE + 1, 2, "53"), -1);
	assert_int_equal(parse_changed(sizeof(ack), ACK_TYPE + 2, 0, "message type"), -1);
	assert_int_equal(parse_changed(sizeof(ack), ACK_TYPE, 0x50, "message type"), -1);
	/* An ACK without an address. */
	{
		uint8_t b[sizeof(ack)];
		struct dhcp_reply r;
		struct err e;

		memcpy(b, ack, sizeof(b));
		memset(b + 16, 0, 4);
		assert_int_equal(dhcp_parse(b, sizeof(b), real_xid, real_mac, &r, &e), -1);
		assert_non_null(strstr(e.msg, "without an address"));
	}
}

/* ---- the device, from a fake sysfs ---- */

static char root[64];

static void put(const char *dev, const char *attr, const char *val)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/class/net/%s", root, dev);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/class/net/%s/%s", root, dev, attr);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", val);
	assert_int_equal(fclose(f), 0);
}

static int make_tree(void **state)
{
	char p[128];

	(void)state;
	snprintf(root, sizeof(root), "%s/net_test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return -1;
	snprintf(p, sizeof(p), "%s/class", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/class/net", root);
	return mkdir(p, 0755);
}

static int remove_tree(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void device_choice(void **state)
{
	struct net_config c;
	struct err e;
	char dev[IFNAMSIZ];

	(void)state;
	net_config_init(&c);
	assert_int_equal(net_find_device(root, &c, dev, sizeof(dev), &e), -1);
	assert_string_equal(e.msg, "no network device (is its driver in the initramfs?)");
	put("lo", "type", "772");
	put("lo", "ifindex", "1");
	put("lo", "address", "00:00:00:00:00:00");
	assert_int_equal(net_find_device(root, &c, dev, sizeof(dev), &e), -1);
	put("sit0", "type", "776");
	put("sit0", "ifindex", "2");
	put("enp0s3", "type", "1");
	put("enp0s3", "ifindex", "4");
	put("enp0s3", "address", "52:54:00:aa:bb:cc");
	put("eth9", "type", "1");
	put("eth9", "ifindex", "3");
	put("eth9", "address", "52:54:00:12:34:56");
	/* The first Ethernet device is the lowest ifindex, not the name. */
	assert_int_equal(net_find_device(root, &c, dev, sizeof(dev), &e), 0);
	assert_string_equal(dev, "eth9");
	/* By MAC. */
	assert_int_equal(net_parse_mac("52:54:00:AA:BB:CC", c.mac), 0);
	c.has_mac = 1;
	assert_int_equal(net_find_device(root, &c, dev, sizeof(dev), &e), 0);
	assert_string_equal(dev, "enp0s3");
	assert_int_equal(net_parse_mac("52:54:00:00:00:01", c.mac), 0);
	assert_int_equal(net_find_device(root, &c, dev, sizeof(dev), &e), -1);
	assert_string_equal(e.msg, "no network device with MAC 52:54:00:00:00:01");
	/* Named: exactly that one, even when the MAC says otherwise. */
	snprintf(c.device, sizeof(c.device), "sit0");
	assert_int_equal(net_find_device(root, &c, dev, sizeof(dev), &e), 0);
	assert_string_equal(dev, "sit0");
	snprintf(c.device, sizeof(c.device), "eth5");
	assert_int_equal(net_find_device(root, &c, dev, sizeof(dev), &e), -1);
	assert_string_equal(e.msg, "eth5: no such network device");
	/* Waiting is bounded. */
	c.device_wait = 1;
	assert_int_equal(net_wait_device(root, &c, dev, sizeof(dev), &e), -1);
	assert_string_equal(e.msg, "eth5: no such network device (waited 1 s)");
}

static void lease_line(void **state)
{
	struct net_lease l = { .device = "eth0", .method = NET_DHCP };
	char buf[128];

	(void)state;
	l.addr.s_addr = ip("10.0.2.15");
	l.mask.s_addr = ip("255.255.255.0");
	l.gateway.s_addr = ip("10.0.2.2");
	l.server.s_addr = ip("10.0.2.2");
	net_lease_line(&l, buf, sizeof(buf));
	assert_string_equal(buf, "eth0: 10.0.2.15/24 via 10.0.2.2 (DHCP from 10.0.2.2)");
	l.method = NET_STATIC;
	l.gateway.s_addr = 0;
	l.mask.s_addr = ip("255.255.0.0");
	net_lease_line(&l, buf, sizeof(buf));
	assert_string_equal(buf, "eth0: 10.0.2.15/16 (static)");
	assert_int_equal(net_prefix_len((struct in_addr){ ip("255.0.255.0") }), -1);
	assert_int_equal(net_prefix_len((struct in_addr){ 0 }), 0);
	assert_int_equal(net_prefix_len((struct in_addr){ ip("255.255.255.255") }), 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ip_shorthands),
		cmocka_unit_test(ip_bootp_rarp_refused),
		cmocka_unit_test(ip_static_full),
		cmocka_unit_test(ip_static_partial_class_netmask),
		cmocka_unit_test(ip_fields_without_client_are_dhcp),
		cmocka_unit_test(ip_bad),
		cmocka_unit_test(mac_forms),
		cmocka_unit_test(build_discover),
		cmocka_unit_test(build_request),
		cmocka_unit_test(parse_real_offer_ack),
		cmocka_unit_test(parse_damaged),
		cmocka_unit_test_setup_teardown(device_choice, make_tree, remove_tree),
		cmocka_unit_test(lease_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
