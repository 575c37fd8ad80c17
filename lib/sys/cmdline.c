#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/dumpbox.h"
#include "sys/cmdline.h"

const char *cmdline_next(const char *p, const char **start)
{
	int quoted = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return NULL;
	*start = p;
	/* A parameter ends at white space outside quotes. */
	for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++)
		if (*p == '"')
			quoted = !quoted;
	return p;
}

int cmdline_get(const char *p, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *start, *vend;
	int found = -1;

	while ((vend = cmdline_next(p, &start)) != NULL) {
		const char *val = memchr(start, '=', (size_t)(vend - start));

		p = vend;
		if ((size_t)((val ? val : vend) - start) != klen || memcmp(start, key, klen) != 0)
			continue;
		val = val ? val + 1 : vend;
		if (vend > val && *val == '"') {
			val++;
			if (vend > val && vend[-1] == '"')
				vend--;
		}
		if ((size_t)(vend - val) >= len) {
			found = -1;
			continue;
		}
		memcpy(buf, val, (size_t)(vend - val));
		buf[vend - val] = '\0';
		found = 0;
	}
	return found;
}

void cmdline_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
}
