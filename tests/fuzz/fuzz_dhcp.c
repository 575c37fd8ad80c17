/* libFuzzer target: the DHCP reply parser (lib/sys/net.c: dhcp_parse),
 * which reads whatever arrives on UDP port 68 of the dump kernel, and
 * ip= (net_parse_ip), which reads the kernel command line.
 *
 * The reply is parsed twice: against the xid and MAC the input itself
 * carries (so the options are reached), and against fixed ones. The
 * checks are the promises net_up relies on: an accepted reply has a
 * known message type, an OFFER or ACK an address, an OFFER its server,
 * at most NET_DNS_MAX DNS servers; a refusal says why in a terminated
 * line. The same bytes as an ip= value: a result is one of the three
 * methods, a static one has a client address and a contiguous netmask. */
// fuzz-max-len: 1500
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *buf, size_t size, uint32_t xid, const uint8_t mac[6])
{
	struct dhcp_reply r;
	struct err e;

	memset(e.msg, 0x55, sizeof(e.msg));
	if (dhcp_parse(buf, size, xid, mac, &r, &e) < 0) {
		if (strnlen(e.msg, sizeof(e.msg)) == sizeof(e.msg) || !e.msg[0])
			abort();
		return;
	}
	if (size < DHCP_FIXED_LEN || r.type < DHCP_DISCOVER || r.type > DHCP_RELEASE)
		abort();
	if ((r.type == DHCP_OFFER || r.type == DHCP_ACK) && !r.yiaddr.s_addr)
		abort();
	if (r.type == DHCP_OFFER && !r.server.s_addr)
		abort();
	if (r.ndns < 0 || r.ndns > NET_DNS_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t fixed_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct net_config c;
	struct err e;
	uint8_t *buf;
	char *spec;

	if (size > 1500)
		return 0;
	/* Exactly the packet: ASan sees a read one byte past it. */
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	if (size >= 34) {
		uint32_t xid = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
			       (uint32_t)buf[6] << 8 | buf[7];

		check(buf, size, xid, buf + 28);
	}
	check(buf, size, 0x83349cad, fixed_mac);
	free(buf);

	spec = malloc(size + 1);
	if (!spec)
		abort();
	memcpy(spec, data, size);
	spec[size] = '\0';
	net_config_init(&c);
	if (net_parse_ip(spec, &c, &e) == 0) {
		if (c.method != NET_OFF && c.method != NET_DHCP && c.method != NET_STATIC)
			abort();
		if (c.method == NET_STATIC &&
		    (!c.client.s_addr || net_prefix_len(c.netmask) <= 0))
			abort();
		if (strnlen(c.device, sizeof(c.device)) >= sizeof(c.device) ||
		    strnlen(c.hostname, sizeof(c.hostname)) >= sizeof(c.hostname))
			abort();
	} else if (strnlen(e.msg, sizeof(e.msg)) == sizeof(e.msg)) {
		abort();
	}
	free(spec);
	return 0;
}
