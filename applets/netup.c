/* netup: bring the network up as the dump kernel's init does (ip= from
 * the kernel command line, lib/sys/net.c), for a dump over ssh or NFS. */
//applet:netup
//config:config NETUP
//config:	bool "netup: bring the network up (ip=, DHCP or static)"
//config:	default y
//config:	help
//config:	  usage: netup [--ip SPEC] [--mac MAC] [--sysfs-root DIR]
//config:	               [--resolv PATH] [--timeout SECS] [--json]
//config:
//config:	  Bring one network device up as the kernel's ip= parameter says
//config:	  (Documentation/admin-guide/nfs/nfsroot.rst), and print one line:
//config:
//config:	    eth0: 10.0.2.15/24 via 10.0.2.2 (DHCP from 10.0.2.2)
//config:
//config:	  SPEC is off|none, dhcp|on|any, or
//config:	  CLIENT:SERVER:GW:NETMASK:HOSTNAME:DEVICE:AUTOCONF:DNS0:DNS1:NTP0
//config:	  with any field empty (a static netmask left out follows the
//config:	  address class, as in the kernel). Default: ip= of /proc/cmdline,
//config:	  else dhcp. The device is the one SPEC names, else the one with
//config:	  MAC (default: dumpbox.ifmac= of /proc/cmdline), else the first
//config:	  Ethernet device. lo comes up too. DHCP is our own client (one
//config:	  lease, no renewals), the broadcast flag set.
//config:
//config:	  Options:
//config:	    --ip SPEC         what ip= would say
//config:	    --mac MAC         the device with this MAC address
//config:	    --sysfs-root DIR  sysfs is at DIR (default /sys)
//config:	    --resolv PATH     DNS servers go there (default
//config:	                      /etc/resolv.conf; "" not at all)
//config:	    --timeout SECS    wait for the device and its carrier up to
//config:	                      SECS each (default 10), for DHCP up to SECS
//config:	                      (default 20)
//config:	    --json            the result as one JSON object
//config:	    --help            this text
//config:
//config:	  Exit status: 0 up (or ip=off), 1 failed (netup: says why),
//config:	  64 usage error.

#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/dumpbox.h"
#include "base/json.h"
#include "sys/cmdline.h"
#include "sys/net.h"

struct netup {
	const char *ip, *mac, *sysfs, *resolv;
	int timeout, json;
	struct net_config cfg;
	struct net_lease lease;
	char cmdline[4096], ipbuf[1024], macbuf[64], line[256];
};

static void print_json(const struct netup *n)
{
	const struct net_lease *l = &n->lease;
	char a[INET_ADDRSTRLEN], mac[18];
	struct json j;

	json_init(&j, stdout);
	json_object(&j, NULL);
	json_str(&j, "method", l->method == NET_OFF ? "off" : l->method == NET_DHCP ? "dhcp" : "static");
	if (l->method == NET_OFF) {
		json_end(&j);
		json_finish(&j);
		return;
	}
	json_str(&j, "device", l->device);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 l->mac[0], l->mac[1], l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
	json_str(&j, "mac", mac);
	json_str(&j, "address", inet_ntop(AF_INET, &l->addr, a, sizeof(a)));
	json_str(&j, "netmask", inet_ntop(AF_INET, &l->mask, a, sizeof(a)));
	json_u64(&j, "prefix", (uint64_t)net_prefix_len(l->mask));
	json_str(&j, "gateway", l->gateway.s_addr ? inet_ntop(AF_INET, &l->gateway, a, sizeof(a)) : NULL);
	if (l->method == NET_DHCP) {
		json_str(&j, "server", inet_ntop(AF_INET, &l->server, a, sizeof(a)));
		json_u64(&j, "lease", l->lease);
	}
	json_array(&j, "dns");
	for (int i = 0; i < l->ndns; i++)
		json_str(&j, NULL, inet_ntop(AF_INET, &l->dns[i], a, sizeof(a)));
	json_end(&j);
	json_bool(&j, "resolv_written", l->resolv_written);
	json_end(&j);
	json_finish(&j);
}

int netup_main(int argc, char **argv)
{
	enum { OPT_IP = 256, OPT_MAC, OPT_SYSFS, OPT_RESOLV, OPT_TIMEOUT, OPT_JSON };
	static const struct option longopts[] = {
		{ "ip", required_argument, NULL, OPT_IP },
		{ "mac", required_argument, NULL, OPT_MAC },
		{ "sysfs-root", required_argument, NULL, OPT_SYSFS },
		{ "resolv", required_argument, NULL, OPT_RESOLV },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct netup n = { .sysfs = "/sys", .resolv = "/etc/resolv.conf", .timeout = -1 };
	struct err err;
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_IP:
			n.ip = optarg;
			break;
		case OPT_MAC:
			n.mac = optarg;
			break;
		case OPT_SYSFS:
			n.sysfs = optarg;
			break;
		case OPT_RESOLV:
			n.resolv = optarg;
			break;
		case OPT_TIMEOUT:
			if (parse_u64(optarg, &v) < 0 || v < 1 || v > 3600)
				usage_error("--timeout %s: seconds from 1 to 3600", optarg);
			n.timeout = (int)v;
			break;
		case OPT_JSON:
			n.json = 1;
			break;
		default:
			usage_bad_option(argv);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!n.ip || !n.mac)
		cmdline_read("/proc/cmdline", n.cmdline, sizeof(n.cmdline));
	if (!n.ip)
		n.ip = cmdline_get(n.cmdline, "ip", n.ipbuf, sizeof(n.ipbuf)) == 0 ? n.ipbuf : "dhcp";
	if (!n.mac && cmdline_get(n.cmdline, "dumpbox.ifmac", n.macbuf, sizeof(n.macbuf)) == 0)
		n.mac = n.macbuf;

	net_config_init(&n.cfg);
	if (n.timeout > 0) {
		n.cfg.device_wait = n.cfg.carrier_wait = n.cfg.dhcp_timeout = n.timeout;
	}
	if (n.mac && *n.mac) {
		if (net_parse_mac(n.mac, n.cfg.mac) < 0)
			usage_error("'%s' is not a MAC address (like 52:54:00:12:34:56)", n.mac);
		n.cfg.has_mac = 1;
	}
	if (net_parse_ip(n.ip, &n.cfg, &err) < 0)
		usage_error("%s", err.msg);
	if (net_up(&n.cfg, n.sysfs, *n.resolv ? n.resolv : NULL, &n.lease, &err) < 0)
		die(EXIT_DAMAGED, "%s", err.msg);
	if (n.json) {
		print_json(&n);
	} else {
		net_lease_line(&n.lease, n.line, sizeof(n.line));
		printf("%s\n", n.line);
	}
	return finish_stdout(EXIT_OK);
}
