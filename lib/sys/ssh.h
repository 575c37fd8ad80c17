/* A dump server reached over SSH: a stock sshd, commands run by the
 * login shell of the user there (POSIX sh: mkdir, cat, mv). The client
 * is Dropbear's dbclient, built static with the initramfs: key
 * authentication only, the server's key checked against a known_hosts
 * file, never a prompt (it runs without a controlling terminal, so a
 * question it would ask fails the connection instead of waiting). */
#ifndef DUMPBOX_SSH_H
#define DUMPBOX_SSH_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "sys/cpio.h"

#define SSH_CLIENT_DEFAULT	"/bin/dbclient"
#define SSH_KEY_DEFAULT		"/etc/dumpbox/ssh/id_dumpbox"
#define SSH_KNOWN_HOSTS_DEFAULT	"/etc/dumpbox/ssh/known_hosts"
/* Dropbear's AES uses no AES-NI: on one CPU, chacha20-poly1305 streamed
 * 198 MiB/s against aes128-ctr's 126. */
#define SSH_CIPHER_DEFAULT	"chacha20-poly1305@openssh.com"

struct ssh_dest {
	char user[64];
	char host[256];
	unsigned port;		/* 0: the client's default, 22 */
};

struct ssh {
	const char *client;	/* dbclient */
	const char *key;	/* private key (OpenSSH or Dropbear format) */
	const char *known_hosts;
	const char *cipher;	/* NULL: the client's choice */
	unsigned timeout;	/* seconds for a short command (0: 60) */
	struct ssh_dest dest;
	char home[64];		/* the client's $HOME: .ssh/known_hosts, a copy */
	double cpu;		/* ssh_wait(): the client's CPU seconds */
	/* Not NULL: the client's messages go to this file (not standard
	 * error), and a failure's message ends with the last of them. */
	const char *errlog;
};

/* "USER@HOST[:PORT]" (what follows "ssh:" in dumpbox.target); HOST may
 * be [IPv6] with a port. 0, or -1 with e (EXIT_USAGE). */
int ssh_parse(const char *spec, struct ssh_dest *d, struct err *e);

/* Check the client, key and known_hosts, and give the client a private
 * $HOME holding the known_hosts (dbclient reads ~/.ssh/known_hosts
 * only). 0, or -1 with e. ssh_close() removes it. */
int ssh_open(struct ssh *s, struct err *e);
void ssh_close(struct ssh *s);

/* Quote s for the server's shell ('...' with ' as '\''). 0, or -1 when
 * it does not fit in out. */
int ssh_quote(const char *s, char *out, size_t len);

/* Run cmd on the server with standard input from in_fd (-1: none) and
 * wait for it, for at most s->timeout seconds. 0 when it exited 0, else
 * -1 with e (EXIT_DAMAGED) naming what failed; the client's own words
 * went to standard error before. */
int ssh_run(struct ssh *s, const char *cmd, int in_fd, struct err *e);

/* Start cmd on the server reading what is written to *fd (a pipe; the
 * caller closes it to end the stream), then ssh_wait(). SIGPIPE is
 * ignored from here on: a cut connection is a write error (EPIPE), not
 * a killed dump. */
int ssh_start(struct ssh *s, const char *cmd, pid_t *pid, int *fd, struct err *e);

/* Wait for a client ssh_start() started: 0 when the command exited 0.
 * s->cpu is then the seconds of CPU the client used (user + system):
 * on a dump kernel's one CPU, its cipher is the dump's cost too. */
int ssh_wait(struct ssh *s, pid_t pid, struct err *e);

/* The check before a crash (kdump-load --test): the client, key and
 * known_hosts of an initramfs (the unpacked newc archive) log in to d
 * and run `true` there, as the capture kernel will. 0, or -1 with e. */
int ssh_check_archive(const uint8_t *cpio, size_t len, const struct ssh_dest *d,
		      struct err *e);

#endif
