/* Masking personal data (logs, the administration API's answers). */
#ifndef YB_MASK_H
#define YB_MASK_H

#include <stddef.h>

enum { YB_MASK_ID, YB_MASK_NAME };

/* Masks personal data: an ID keeps its first 3 and last 2 characters
 * ("340***********12"; shorter than 8 characters: all '*'), a name its
 * first character ("张**"). Characters are UTF-8 code points. Always
 * NUL-terminates out (cap > 0); NULL s gives "". */
void yb_mask(char *out, size_t cap, const char *s, int kind);

#endif
