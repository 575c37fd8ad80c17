/* IS_ENABLED(CONFIG_X): 1 when Kconfig set X to y, else 0, as an integer
 * constant expression. Code says `if (IS_ENABLED(CONFIG_X))` instead of
 * `#ifdef CONFIG_X`, so every branch is compiled (and type-checked) in every
 * configuration and the compiler drops the dead one.
 *
 * generated/autoconf.h defines CONFIG_X as 1 for enabled options and leaves
 * disabled ones undefined. Pasting the value onto a prefix turns "1" into a
 * macro that inserts an extra argument, and anything else into junk that
 * does not; taking the second argument then yields 1 or 0. */
#ifndef DUMPBOX_KCONFIG_H
#define DUMPBOX_KCONFIG_H

#include "generated/autoconf.h"

#define KCONFIG_PLACEHOLDER_1 0,
#define KCONFIG_SECOND(ignored, val, ...) val
#define KCONFIG_IS_ONE(x) KCONFIG_IS_ONE_(KCONFIG_PLACEHOLDER_##x)
#define KCONFIG_IS_ONE_(arg_or_junk) KCONFIG_SECOND(arg_or_junk 1, 0, 0)
#define IS_ENABLED(option) KCONFIG_IS_ONE(option)

#endif
