/* A ZIP archive of one stored entry (PKWARE APPNOTE 4.3.7, 4.3.12,
 * 4.3.16): local header, data, central directory of one record, end
 * record. Little-endian fields throughout. */
#include "yibao/zip.h"
#include "yibao/error.h"

#include <string.h>

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define DOS_DATE_1980 0x0021u /* 1980-01-01: (year-1980)<<9 | month<<5 | day */

uint32_t yb_crc32(uint32_t crc, const void *data, size_t n)
{
	const unsigned char *p = data;
	int k;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void le16(yb_buf *b, uint32_t v)
{
	char c[2] = {(char)(v & 0xff), (char)((v >> 8) & 0xff)};
	yb_buf_put(b, c, 2);
}

static void le32(yb_buf *b, uint32_t v)
{
	le16(b, v & 0xffff);
	le16(b, v >> 16);
}

static uint32_t rd16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

/* The fields a local header and a central record share, from "version
 * needed" to the extra field's length. */
static void common(yb_buf *b, uint32_t crc, uint32_t n, size_t name_len)
{
	le16(b, 10);            /* version needed: 1.0, stored */
	le16(b, 0);             /* flags */
	le16(b, 0);             /* method: stored */
	le16(b, 0);             /* time 00:00:00 */
	le16(b, DOS_DATE_1980);
	le32(b, crc);
	le32(b, n);             /* compressed size */
	le32(b, n);             /* uncompressed size */
	le16(b, (uint32_t)name_len);
	le16(b, 0);             /* extra field length */
}

void yb_zip_stored(yb_buf *out, const char *name, const char *data, size_t n)
{
	size_t name_len = strlen(name), start = out->len, central;
	uint32_t crc = yb_crc32(0, data, n);

	le32(out, SIG_LOCAL);
	common(out, crc, (uint32_t)n, name_len);
	yb_buf_put(out, name, name_len);
	yb_buf_put(out, data, n);

	central = out->len;
	le32(out, SIG_CENTRAL);
	le16(out, 20);          /* made by: MS-DOS, 2.0 */
	common(out, crc, (uint32_t)n, name_len);
	le16(out, 0);           /* comment length */
	le16(out, 0);           /* disk number */
	le16(out, 0);           /* internal attributes */
	le32(out, 0);           /* external attributes */
	le32(out, 0);           /* local header offset (from the archive's start) */
	yb_buf_put(out, name, name_len);

	le32(out, SIG_END);
	le16(out, 0);           /* this disk */
	le16(out, 0);           /* disk of the central directory */
	le16(out, 1);           /* records on this disk */
	le16(out, 1);           /* records */
	le32(out, (uint32_t)(out->len - central - 4 - 2 * 4)); /* central directory size */
	le32(out, (uint32_t)(central - start));
	le16(out, 0);           /* comment length */
}

int yb_zip_first(const char *zip, size_t len, const char **name, size_t *name_len,
		 const char **data, size_t *n)
{
	const unsigned char *p = (const unsigned char *)zip;
	size_t nl, xl, size;

	if (len < 30 || rd32(p) != SIG_LOCAL)
		return yb_error_set(YB_EINVALID, "zip: no local file header");
	if (rd16(p + 6) & 0x0008)
		return yb_error_set(YB_EINVALID, "zip: sizes after the data (flag 3) not read");
	if (rd16(p + 8) != 0)
		return yb_error_set(YB_EINVALID, "zip: entry compressed (method %u), not stored", rd16(p + 8));
	size = rd32(p + 18);
	nl = rd16(p + 26);
	xl = rd16(p + 28);
	if (size != rd32(p + 22) || 30 + nl + xl > len || size > len - 30 - nl - xl)
		return yb_error_set(YB_EINVALID, "zip: entry larger than the archive");
	if (yb_crc32(0, p + 30 + nl + xl, size) != rd32(p + 14))
		return yb_error_set(YB_EINVALID, "zip: CRC-32 does not match");
	*name = zip + 30;
	*name_len = nl;
	*data = zip + 30 + nl + xl;
	*n = size;
	return 0;
}
