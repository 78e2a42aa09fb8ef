/* Masking personal data for logs and answers. */
#include "yibao/mask.h"

#include <string.h>

/* Length of the UTF-8 character at s (1 for a stray byte). */
static size_t charlen(const unsigned char *s)
{
	size_t n = *s < 0x80 ? 1 : *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : *s >= 0xC0 ? 2 : 1;
	size_t i;

	for (i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

void yb_mask(char *out, size_t cap, const char *s, int kind)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t nchars = 0, i, k = 0, n, head, tail;

	if (!cap)
		return;
	out[0] = '\0';
	if (!s)
		return;
	for (i = 0; p[i]; i += charlen(p + i))
		nchars++;
	if (kind == YB_MASK_NAME)
		head = nchars > 1 ? 1 : 0, tail = 0;
	else if (nchars >= 8)
		head = 3, tail = 2;
	else
		head = tail = 0; /* too short to show any of it */
	for (i = 0; p[i]; i += n, nchars--) {
		int keep = head > 0 || nchars <= tail;
		n = charlen(p + i);
		if (head)
			head--;
		if (k + (keep ? n : 1) >= cap)
			break;
		if (keep) {
			memcpy(out + k, p + i, n);
			k += n;
		} else {
			out[k++] = '*';
		}
	}
	out[k] = '\0';
}
