#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/cpio.h"
#include "sys/ssh.h"

/* A connection nobody answers any more is given up after this many
 * seconds of silence: dbclient's keepalive, three missed answers. */
#define SSH_KEEPALIVE "10"

int ssh_parse(const char *spec, struct ssh_dest *d, struct err *e)
{
	const char *at = strchr(spec, '@'), *host, *end, *colon;
	uint64_t port = 0;

	memset(d, 0, sizeof(*d));
	if (!at || at == spec || (size_t)(at - spec) >= sizeof(d->user))
		return err_ret(e, EXIT_USAGE, "ssh:%s: want ssh:USER@HOST[:PORT]", spec);
	memcpy(d->user, spec, (size_t)(at - spec));
	host = at + 1;
	if (*host == '[') {
		end = strchr(host, ']');
		if (!end)
			return err_ret(e, EXIT_USAGE, "ssh:%s: no ']' after the IPv6 address", spec);
		host++;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon)
			return err_ret(e, EXIT_USAGE, "ssh:%s: want [ADDRESS]:PORT", spec);
	} else {
		colon = strchr(host, ':');
		end = colon ? colon : host + strlen(host);
	}
	if (end == host || (size_t)(end - host) >= sizeof(d->host))
		return err_ret(e, EXIT_USAGE, "ssh:%s: no host", spec);
	memcpy(d->host, host, (size_t)(end - host));
	if (strspn(d->user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
	    != strlen(d->user) || d->host[strspn(d->host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:")] != '\0')
		return err_ret(e, EXIT_USAGE, "ssh:%s: the user or host has characters no "
			       "user or host name has", spec);
	/* dbclient would take "-x@host" for an option. */
	if (d->user[0] == '-' || d->host[0] == '-')
		return err_ret(e, EXIT_USAGE, "ssh:%s: a user or host name starts with '-'", spec);
	if (colon && (parse_u64(colon + 1, &port) < 0 || port == 0 || port > 65535))
		return err_ret(e, EXIT_USAGE, "ssh:%s: the port is not a number from 1 to 65535",
			       spec);
	d->port = (unsigned)port;
	return 0;
}

int ssh_quote(const char *s, char *out, size_t len)
{
	size_t n = 0;

#define PUT(c) do { if (n + 1 >= len) return -1; out[n++] = (c); } while (0)
	PUT('\'');
	for (; *s; s++) {
		if (*s == '\'') {
			PUT('\''); PUT('\\'); PUT('\''); PUT('\'');
		} else {
			PUT(*s);
		}
	}
	PUT('\'');
#undef PUT
	out[n] = '\0';
	return 0;
}

static int copy_file(const char *from, const char *to, struct err *e)
{
	char buf[4096];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		return err_ret(e, EXIT_USAGE, "%s:", from);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return err_ret(e, EXIT_DAMAGED, "%s:", to);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n) < 0)
			break;
	if (n != 0 || close(out) < 0) {
		err_set(e, EXIT_DAMAGED, "copying %s to %s:", from, to);
		close(in);
		return -1;
	}
	close(in);
	return 0;
}

/* Whether known_hosts has a line for host, as Dropbear matches it: the
 * first field the bare host (mkinitramfs writes OpenSSH's "[HOST]:PORT"
 * so). Dropbear asks about a host it does not find, and with no
 * terminal it reads the answer from standard input, which is /dev/null
 * (it then loops) or the dump: it must never get to ask. */
static int known_host(const char *path, const char *host)
{
	char line[8192];
	size_t n = strlen(host);
	int found = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, host, n) == 0 && line[n] == ' ';
	(void)fclose(f);	/* read only: nothing to lose */
	return found;
}

int ssh_open(struct ssh *s, struct err *e)
{
	char dir[96], file[128];

	s->home[0] = '\0';
	if (access(s->client, X_OK) < 0)
		return err_ret(e, EXIT_USAGE, "%s: no SSH client (is it in the initramfs?):",
			       s->client);
	if (access(s->key, R_OK) < 0)
		return err_ret(e, EXIT_USAGE, "%s: no SSH key for the dump server (make "
			       "initramfs SSH_KEY=...):", s->key);
	if (access(s->known_hosts, R_OK) < 0)
		return err_ret(e, EXIT_USAGE, "%s: no known_hosts with the dump server's key "
			       "(make initramfs SSH_KNOWN_HOSTS=...):", s->known_hosts);
	if (!known_host(s->known_hosts, s->dest.host))
		return err_ret(e, EXIT_USAGE, "%s: no host key for %s in it: the server cannot be "
			       "told from an impostor (make initramfs SSH_KNOWN_HOSTS=...)",
			       s->known_hosts, s->dest.host);
	if (mkdir("/run", 0755) < 0 && errno != EEXIST)
		return err_ret(e, EXIT_DAMAGED, "cannot make /run:");
	snprintf(s->home, sizeof(s->home), "/run/dumpbox-ssh-XXXXXX");
	if (!mkdtemp(s->home)) {
		s->home[0] = '\0';
		return err_ret(e, EXIT_DAMAGED, "cannot make a directory in /run:");
	}
	snprintf(dir, sizeof(dir), "%s/.ssh", s->home);
	snprintf(file, sizeof(file), "%s/known_hosts", dir);
	if (mkdir(dir, 0700) < 0) {
		err_set(e, EXIT_DAMAGED, "%s:", dir);
		ssh_close(s);
		return -1;
	}
	if (copy_file(s->known_hosts, file, e) < 0) {
		ssh_close(s);
		return -1;
	}
	/* The stream's reader may go away: that is an error to report, and
	 * the dump's state to write, not a signal that ends us. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		err_set(e, EXIT_DAMAGED, "cannot ignore SIGPIPE:");
		ssh_close(s);
		return -1;
	}
	return 0;
}

void ssh_close(struct ssh *s)
{
	char path[128];

	if (!s->home[0])
		return;
	snprintf(path, sizeof(path), "%s/.ssh/known_hosts", s->home);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.ssh", s->home);
	rmdir(path);
	rmdir(s->home);
	s->home[0] = '\0';
}

static NORETURN void exec_client(struct ssh *s, const char *cmd, int in_fd)
{
	char port[16], dest[sizeof(s->dest.user) + sizeof(s->dest.host) + 2];
	char home[80];
	const char *argv[16];
	char *envp[] = { home, "PATH=/bin:/sbin:/usr/bin:/usr/sbin", NULL };
	int n = 0, null = open("/dev/null", O_RDWR);

	/* No controlling terminal: a question about an unknown host key
	 * fails instead of waiting on the console. */
	setsid();
	if (in_fd < 0)
		in_fd = null;
	if (s->errlog) {
		int log = open(s->errlog, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);

		if (log < 0 || dup2(log, STDERR_FILENO) < 0)
			_exit(126);
	}
	if (in_fd < 0 || dup2(in_fd, STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(126);
	snprintf(home, sizeof(home), "HOME=%s", s->home);
	snprintf(port, sizeof(port), "%u", s->dest.port ? s->dest.port : 22);
	snprintf(dest, sizeof(dest), "%s@%s", s->dest.user, s->dest.host);
	argv[n++] = s->client;
	argv[n++] = "-i";
	argv[n++] = s->key;
	argv[n++] = "-p";
	argv[n++] = port;
	argv[n++] = "-K";
	argv[n++] = SSH_KEEPALIVE;
	argv[n++] = "-c";
	argv[n++] = s->cipher ? s->cipher : SSH_CIPHER_DEFAULT;
	argv[n++] = dest;
	argv[n++] = cmd;
	argv[n] = NULL;
	execve(s->client, (char *const *)argv, envp);
	_exit(127);
}

static int spawn(struct ssh *s, const char *cmd, int in_fd, pid_t *pid, struct err *e)
{
	fflush(NULL);
	*pid = fork();
	if (*pid < 0)
		return err_ret(e, EXIT_DAMAGED, "cannot start %s:", s->client);
	if (*pid == 0)
		exec_client(s, cmd, in_fd);
	return 0;
}

/* The client's last message in s->errlog, without its own name (""
 * when there is none); for a host key that does not match, the line
 * that says so (what follows it is fingerprints and advice). */
static void last_words(const struct ssh *s, char *out, size_t len)
{
	char line[512];
	FILE *f = s->errlog ? fopen(s->errlog, "re") : NULL;
	size_t n = strlen(s->client);

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;

		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(p, s->client, n) == 0 && strncmp(p + n, ": ", 2) == 0)
			p += n + 2;
		if (*p)
			snprintf(out, len, ": %.200s", p);
		if (strstr(p, "host key mismatch"))
			break;
	}
	(void)fclose(f);	/* read only */
}

static int exited(struct ssh *s, int status, struct err *e)
{
	char words[256];

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	last_words(s, words, sizeof(words));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return err_ret(e, EXIT_DAMAGED, "cannot run %s", s->client);
	if (WIFSIGNALED(status))
		return err_ret(e, EXIT_DAMAGED, "%s@%s: the SSH client was killed (signal %d)",
			       s->dest.user, s->dest.host, WTERMSIG(status));
	return err_ret(e, EXIT_DAMAGED, "%s@%s: the SSH connection or the command on the "
		       "server failed (exit status %d)%s", s->dest.user, s->dest.host,
		       WEXITSTATUS(status), words);
}

int ssh_run(struct ssh *s, const char *cmd, int in_fd, struct err *e)
{
	unsigned limit = s->timeout ? s->timeout : 60;
	double t0 = monotonic_seconds();
	pid_t pid, r;
	int status;

	if (spawn(s, cmd, in_fd, &pid, e) < 0)
		return -1;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 || (r < 0 && errno == EINTR)) {
		if (monotonic_seconds() - t0 > limit) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return err_ret(e, EXIT_DAMAGED, "%s@%s: no answer in %u s", s->dest.user,
				       s->dest.host, limit);
		}
		usleep(20 * 1000);
	}
	if (r < 0)
		return err_ret(e, EXIT_DAMAGED, "waiting for %s:", s->client);
	return exited(s, status, e);
}

int ssh_start(struct ssh *s, const char *cmd, pid_t *pid, int *fd, struct err *e)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_ret(e, EXIT_DAMAGED, "pipe:");
	if (spawn(s, cmd, p[0], pid, e) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[0]);
	*fd = p[1];
	return 0;
}

int ssh_wait(struct ssh *s, pid_t pid, struct err *e)
{
	struct rusage ru;
	int status;

	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return err_ret(e, EXIT_DAMAGED, "waiting for %s:", s->client);
	s->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
		 ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
	return exited(s, status, e);
}

/* ---- the initramfs's client, key and known_hosts, tried now ------------- */

struct archive_files {
	char dir[64];
	int found;		/* bits: 1 client, 2 key, 4 known_hosts */
	int failed;
};

static int save_member(const struct cpio_member *m, void *arg)
{
	static const struct { const char *name, *as; mode_t mode; } want[] = {
		{ "bin/dbclient", "dbclient", 0700 },
		{ "etc/dumpbox/ssh/id_dumpbox", "key", 0600 },
		{ "etc/dumpbox/ssh/known_hosts", "known_hosts", 0600 },
	};
	struct archive_files *a = arg;
	const char *n = m->name + (strncmp(m->name, "./", 2) == 0 ? 2 : 0);
	char path[128];

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int fd;

		if (strcmp(n, want[i].name) != 0 || !S_ISREG(m->mode) || (a->found & (1 << i)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", a->dir, want[i].as);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, want[i].mode);
		if (fd < 0 || write_all(fd, m->data, m->size) < 0 || close(fd) < 0)
			a->failed = 1;
		a->found |= 1 << i;
	}
	return 0;
}

int ssh_check_archive(const uint8_t *cpio, size_t len, const struct ssh_dest *d,
		      struct err *e)
{
	struct archive_files a = { .found = 0 };
	struct ssh s = { .timeout = 30, .dest = *d };
	char client[96], key[96], hosts[96], log[96];
	int rc = -1;

	snprintf(a.dir, sizeof(a.dir), "%s/dumpbox-sshcheck-XXXXXX",
		 access("/run", W_OK) == 0 ? "/run" : "/tmp");
	if (!mkdtemp(a.dir))
		return err_ret(e, EXIT_DAMAGED, "cannot make a directory for the SSH check:");
	snprintf(client, sizeof(client), "%s/dbclient", a.dir);
	snprintf(key, sizeof(key), "%s/key", a.dir);
	snprintf(hosts, sizeof(hosts), "%s/known_hosts", a.dir);
	snprintf(log, sizeof(log), "%s/client.log", a.dir);
	if (cpio_walk(cpio, len, save_member, &a, e) < 0)
		goto out;
	if (a.failed) {
		err_set(e, EXIT_DAMAGED, "cannot copy the SSH client and key out of the initramfs");
		goto out;
	}
	if ((a.found & 6) != 6) {
		err_set(e, EXIT_USAGE, "the initramfs has no SSH key or known_hosts for the dump "
			"server (make initramfs SSH_KEY=... SSH_KNOWN_HOSTS=...)");
		goto out;
	}
	if (!(a.found & 1)) {
		err_set(e, EXIT_USAGE, "the initramfs has no SSH client (/bin/dbclient)");
		goto out;
	}
	s.client = client;
	s.key = key;
	s.known_hosts = hosts;
	s.errlog = log;		/* its reason goes into the check's line */
	if (ssh_open(&s, e) == 0) {
		rc = ssh_run(&s, "true", -1, e);
		ssh_close(&s);
	} else if (strncmp(e->msg, hosts, strlen(hosts)) == 0) {
		char rest[sizeof(e->msg)];

		/* The archive's name for it, not the copy's. */
		snprintf(rest, sizeof(rest), "%s", e->msg + strlen(hosts));
		err_set(e, e->status, "%s in the initramfs%s", SSH_KNOWN_HOSTS_DEFAULT, rest);
	}
out:
	unlink(client);
	unlink(key);
	unlink(hosts);
	unlink(log);
	rmdir(a.dir);
	return rc;
}
