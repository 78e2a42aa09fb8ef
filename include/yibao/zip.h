/* A ZIP archive of one stored (uncompressed) entry: what the national
 * platform's file transactions carry (9102 answers a catalogue download
 * as a .zip holding one .txt). Stored entries need no compression library,
 * and every unzip tool and HIS library reads them. */
#ifndef YB_ZIP_H
#define YB_ZIP_H

#include <stddef.h>
#include <stdint.h>

#include "yibao/buf.h"

/* The CRC-32 of n bytes (ISO-HDLC, as ZIP and gzip use it), continuing
 * crc (0 to start). */
uint32_t yb_crc32(uint32_t crc, const void *data, size_t n);

/* Appends to out a whole archive of one entry `name` (ASCII, < 256 bytes)
 * holding data[0..n), stored, dated 1980-01-01 00:00 so that the same
 * content gives the same bytes. n must be below 4 GiB (no ZIP64). */
void yb_zip_stored(yb_buf *out, const char *name, const char *data, size_t n);

/* Reads the first entry of an archive made by yb_zip_stored (or any
 * archive whose first entry is stored): *name and *data point into zip,
 * their lengths in *name_len and *n. YB_EINVALID if zip is not one, the
 * entry is compressed, or its CRC-32 does not match. */
int yb_zip_first(const char *zip, size_t len, const char **name, size_t *name_len,
		 const char **data, size_t *n);

#endif
