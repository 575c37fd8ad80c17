/* The multicall dispatcher: which applet to run, from the name we were
 * called by (a link named after the applet) or from the first argument of
 * "dumpbox APPLET ARGS". The applet table is generated from the
 * declarations in the applet files (scripts/gen-applets). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/dumpbox.h"

#define APPLET(name, main, usage) int main(int, char **);
#include "generated/applets.h"
#undef APPLET

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;
};

static const struct applet applets[] = {
#define APPLET(name, main, usage) { name, main, usage },
#include "generated/applets.h"
#undef APPLET
	{ NULL, NULL, NULL }
};

static const struct applet *current;

static const struct applet *find_applet(const char *name)
{
	for (const struct applet *a = applets; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

void show_usage(void)
{
	if (current)
		fputs(current->usage, stdout);
	exit(finish_stdout(EXIT_OK));
}

static void list_applets(FILE *f, const char *sep)
{
	for (const struct applet *a = applets; a->name; a++)
		fprintf(f, "%s%s", a->name, a[1].name ? sep : "\n");
}

static void dumpbox_usage(FILE *f)
{
	fprintf(f,
		"dumpbox %s: a crash-dump and rescue toolkit in one binary.\n"
		"\n"
		"usage: dumpbox APPLET [ARGS...]    run an applet\n"
		"   or: APPLET [ARGS...]            through a link named after it\n"
		"       dumpbox --list              list the applets\n"
		"       dumpbox --install [-s] DIR  link every applet into DIR\n"
		"                                   (hard links; -s: symbolic)\n"
		"       dumpbox --help [APPLET]     this text, or an applet's\n"
		"       dumpbox --version\n"
		"\n"
		"Applets: ",
		DUMPBOX_VERSION);
	list_applets(f, ", ");
}

/* Links point at the binary that is running, wherever it was called from,
 * as BusyBox does, so --install works from a relative path or a link. */
static int install_links(const char *dir, int symbolic)
{
	char self[PATH_MAX], path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status = EXIT_OK;

	if (n < 0)
		die(EXIT_DAMAGED, "cannot find this binary through /proc/self/exe:");
	self[n] = '\0';
	for (const struct applet *a = applets; a->name; a++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, a->name) >= (int)sizeof(path))
			die(EXIT_USAGE, "%s: path too long", dir);
		if ((symbolic ? symlink(self, path) : link(self, path)) < 0) {
			if (errno == EEXIST) {
				warnmsg("%s exists, left alone", path);
				continue;
			}
			warnmsg("cannot link %s:", path);
			status = EXIT_DAMAGED;
		}
	}
	return status;
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	current = a;
	applet_name = a->name;
	opterr = 0;	/* usage_bad_option() says it, once */
	/* Every applet answers --help the same way, wherever it stands among
	 * the arguments (before a "--"), so subcommands need no code of their
	 * own for it. */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			show_usage();
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("%s (dumpbox) %s\n", a->name, DUMPBOX_VERSION);
		return finish_stdout(EXIT_OK);
	}
	return finish_stdout(a->main(argc, argv));
}

static int dumpbox_main(int argc, char **argv)
{
	const struct applet *a;

	if (argc < 2) {
		dumpbox_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--list") == 0) {
		list_applets(stdout, "\n");
		return finish_stdout(EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("dumpbox %s\n", DUMPBOX_VERSION);
		return finish_stdout(EXIT_OK);
	}
	if (strcmp(argv[1], "--help") == 0) {
		if (argc == 2) {
			dumpbox_usage(stdout);
			return finish_stdout(EXIT_OK);
		}
		a = find_applet(argv[2]);
		if (!a)
			die(EXIT_NO_APPLET, "%s: applet not found", argv[2]);
		current = a;
		show_usage();
	}
	if (strcmp(argv[1], "--install") == 0) {
		int symbolic = argc > 2 && strcmp(argv[2], "-s") == 0;

		if (argc != 3 + symbolic)
			usage_error("usage: dumpbox --install [-s] DIR");
		return install_links(argv[2 + symbolic], symbolic);
	}
	if (argv[1][0] == '-')
		usage_error("unknown option '%s'", argv[1]);
	a = find_applet(argv[1]);
	if (!a)
		die(EXIT_NO_APPLET, "%s: applet not found", argv[1]);
	return run_applet(a, argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 && argv[0] ? argv[0] : "dumpbox";
	const char *slash = strrchr(name, '/');
	const struct applet *a;

	if (slash)
		name = slash + 1;
	/* A login shell's argv[0] starts with '-'. */
	if (*name == '-')
		name++;
	a = find_applet(name);
	if (a)
		return run_applet(a, argc, argv);
	if (strncmp(name, "dumpbox", 7) == 0)
		return dumpbox_main(argc, argv);
	die(EXIT_NO_APPLET, "%s: applet not found", name);
}
