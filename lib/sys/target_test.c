/* The network targets' names as dumpbox.target gives them: ssh:USER@HOST
 * [:PORT] (lib/sys/ssh.c) and nfs:HOST:/EXPORT[,OPTIONS] (lib/sys/nfs.c),
 * and the quoting of a path for the server's shell. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/nfs.h"
#include "sys/ssh.h"

static void ssh_names(void **state)
{
	struct ssh_dest d;
	struct err e;

	(void)state;
	assert_int_equal(ssh_parse("dump@server", &d, &e), 0);
	assert_string_equal(d.user, "dump");
	assert_string_equal(d.host, "server");
	assert_int_equal(d.port, 0);	/* the client's own default, 22 */

	assert_int_equal(ssh_parse("root@10.0.2.2:2222", &d, &e), 0);
	assert_string_equal(d.host, "10.0.2.2");
	assert_int_equal(d.port, 2222);

	/* An IPv6 address in brackets, so that its colons are not a port. */
	assert_int_equal(ssh_parse("crash@[fd00::1]:22", &d, &e), 0);
	assert_string_equal(d.host, "fd00::1");
	assert_int_equal(d.port, 22);
	assert_int_equal(ssh_parse("crash@[fd00::1]", &d, &e), 0);
	assert_int_equal(d.port, 0);
}

static void ssh_bad_names(void **state)
{
	static const char *const bad[] = {
		"server",		/* no user */
		"@server",
		"dump@",		/* no host */
		"dump@:22",
		"dump@server:0",	/* ports are 1-65535 */
		"dump@server:65536",
		"dump@server:22x",
		"dump@[fd00::1",	/* no ']' */
		"dump@[fd00::1]22",
		"du mp@server",		/* characters no name has */
		"dump@ser;ver",
		"dump@server/x",
		"-oProxyCommand@server",	/* would be an option of dbclient */
		"dump@-server",
	};
	struct ssh_dest d;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		if (ssh_parse(bad[i], &d, &e) == 0)
			fail_msg("ssh:%s was accepted", bad[i]);
		assert_int_equal(e.status, EXIT_USAGE);
		assert_non_null(strstr(e.msg, bad[i]));
	}
}

/* What the server's shell gets is one word whatever the path holds. */
static void ssh_quoting(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(ssh_quote("/var/crash", out, sizeof(out)), 0);
	assert_string_equal(out, "'/var/crash'");
	assert_int_equal(ssh_quote("it's $HOME", out, sizeof(out)), 0);
	assert_string_equal(out, "'it'\\''s $HOME'");
	assert_int_equal(ssh_quote("/var/crash", out, 13), 0);	/* just fits */
	assert_int_equal(ssh_quote("/var/crash", out, 12), -1);
}

static void nfs_names(void **state)
{
	struct nfs_spec n;
	struct err e;
	char opts[1100];

	(void)state;
	assert_int_equal(nfs_check("server:/srv/dumps", &e), 0);
	assert_int_equal(nfs_check("10.0.2.2:/,vers=4.1,port=2049", &e), 0);
	/* A number is looked up as itself: no resolver needed. */
	assert_int_equal(nfs_parse("10.0.2.2:/srv,port=2049", &n, &e), 0);
	assert_string_equal(n.host, "10.0.2.2");
	assert_string_equal(n.dev, "10.0.2.2:/srv");
	assert_string_equal(n.data, NFS_DEFAULT_OPTIONS ",addr=10.0.2.2,port=2049");
	assert_string_equal(n.addr, "10.0.2.2");
	assert_int_equal(n.port, 2049);
	/* The kernel takes the last port=; none is NFS's own. */
	assert_int_equal(nfs_parse("10.0.2.2:/srv,port=20490,vers=4.1,port=3049", &n, &e), 0);
	assert_int_equal(n.port, 3049);
	assert_int_equal(nfs_parse("10.0.2.2:/srv,vers=4.1", &n, &e), 0);
	assert_int_equal(n.port, 2049);

	static const char *const bad[] = {
		"server", "server:srv", ":/srv", "server:/srv,addr=10.1.1.1",
		"server:/srv,vers=3,addr=10.1.1.1", "server:/my dumps",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		if (nfs_check(bad[i], &e) == 0)
			fail_msg("nfs:%s was accepted", bad[i]);
		assert_int_equal(e.status, EXIT_USAGE);
	}

	/* Options too long for the mount are refused by the syntax check
	 * already, before a crash needs them. */
	memset(opts, 0, sizeof(opts));
	memcpy(opts, "server:/srv,", 12);
	memset(opts + 12, 'x', 1000);
	memset(&e, 0, sizeof(e));
	assert_int_equal(nfs_check(opts, &e), -1);
	assert_string_equal(e.msg, "nfs:server:/srv: too many options (1000 bytes of them)");
}

/* A port of 127.0.0.1 that listens: a socket of the test's own. */
static int listener(unsigned *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* kdump-load --test asks the server's port before any crash. */
static void nfs_server_answers(void **state)
{
	struct nfs_spec n;
	struct err e;
	char spec[64], msg[128];
	unsigned port;
	int fd = listener(&port);

	(void)state;
	snprintf(spec, sizeof(spec), "127.0.0.1:/dump,port=%u", port);
	assert_int_equal(nfs_probe(spec, 5, &n, &e), 0);
	assert_int_equal(n.port, port);
	/* Gone: the port refuses, and the message says which one. */
	close(fd);
	assert_int_equal(nfs_probe(spec, 5, &n, &e), -1);
	assert_int_equal(e.status, EXIT_DAMAGED);
	snprintf(msg, sizeof(msg), "127.0.0.1 (127.0.0.1): TCP port %u does not answer: "
		 "Connection refused", port);
	assert_string_equal(e.msg, msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ssh_names),
		cmocka_unit_test(ssh_bad_names),
		cmocka_unit_test(ssh_quoting),
		cmocka_unit_test(nfs_names),
		cmocka_unit_test(nfs_server_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
