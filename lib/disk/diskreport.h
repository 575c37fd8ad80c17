/* What `diskprep info` says about an open dump disk, as text or JSON
 * (docs/JSON.md): its layout, superblocks, state and the dump's record. */
#ifndef DUMPBOX_DISKREPORT_H
#define DUMPBOX_DISKREPORT_H

#include <stddef.h>
#include <stdio.h>

struct dumpdisk;

/* log: the dump's saved log (loglen bytes), or NULL for none. */
void diskreport_json(FILE *out, const char *dev, const struct dumpdisk *d, const char *log,
		     size_t loglen);
void diskreport_text(FILE *out, const char *dev, const struct dumpdisk *d, int have_log);

#endif
