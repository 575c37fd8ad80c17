/* What Debian's static archives, built for glibc, need of glibc that musl
 * does not have. Only a static musl build links this (the Makefile names
 * the object on the link line, since no member of libdumpbox.a refers to
 * it); against glibc it is empty, so that nothing here can interpose on
 * the real thing.
 *
 * libsnappy.a is C++, and the parts of Debian's libstdc++.a and gcc's
 * libgcc_eh.a it pulls in (operator new, static-local guards, the
 * exception path of std::bad_alloc) refer to:
 *   __libc_single_threaded  glibc >= 2.32: nonzero while the process has
 *                           one thread, so libstdc++ may skip atomics.
 *                           0 ("maybe threaded") is always correct.
 *   _dl_find_object         glibc >= 2.35: the unwinder's lookup of a
 *                           PC's unwind tables. -1 is "not found", so a
 *                           thrown exception ends in std::terminate(): the
 *                           only one snappy can throw is std::bad_alloc,
 *                           which no C caller could catch anyway. */
#include <features.h>	/* __GLIBC__ */

#ifndef __GLIBC__
char __libc_single_threaded;

struct dl_find_object;
int _dl_find_object(void *pc, struct dl_find_object *result);

int _dl_find_object(void *pc, struct dl_find_object *result)
{
	(void)pc, (void)result;
	return -1;
}
#endif
