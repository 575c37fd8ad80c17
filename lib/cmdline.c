#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dumpbox.h"
#include "cmdline.h"

int cmdline_get(const char *p, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	int found = -1;

	while (*p) {
		const char *start, *val = NULL, *vend;
		int quoted = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		start = p;
		/* A parameter ends at white space outside quotes. */
		for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (*p == '=' && !val && !quoted)
				val = p + 1;
		}
		vend = p;
		if ((size_t)((val ? val - 1 : vend) - start) != klen || memcmp(start, key, klen) != 0)
			continue;
		if (!val)
			val = vend;
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
