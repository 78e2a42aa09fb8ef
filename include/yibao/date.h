/* Civil dates and times: a date is a day number (days since 1970-01-01),
 * a time is seconds since 1970-01-01 00:00:00 in the bureau's local time
 * (China has one zone and no DST, so no zone arithmetic is needed). */
#ifndef YB_DATE_H
#define YB_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t yb_date;     /* days since 1970-01-01 */
typedef int64_t yb_datetime; /* seconds since 1970-01-01 00:00:00 */

#define YB_DATE_NONE INT32_MIN
#define YB_DATE_MAX INT32_MAX

yb_date yb_date_from_ymd(int y, int m, int d);
void yb_date_to_ymd(yb_date day, int *y, int *m, int *d);

/* "YYYY-MM-DD"; also accepts "YYYYMMDD". Validates the calendar. */
int yb_date_parse(yb_date *out, const char *s, size_t len);
/* "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DD" (midnight) or "YYYYMMDDHHMMSS". */
int yb_datetime_parse(yb_datetime *out, const char *s, size_t len);
/* The same, also as clients of the national interface write them: a date
 * as yyyy-M-d or yyyy/M/d; a time after it as H:mm:ss (after ' ' or 'T'),
 * with fractions of a second, and +08:00 (China Standard Time) at the end. */
int yb_date_parse_loose(yb_date *out, const char *s, size_t len);
int yb_datetime_parse_loose(yb_datetime *out, const char *s, size_t len);

/* Writes "YYYY-MM-DD" (11 bytes with NUL). */
void yb_date_format(char *buf, yb_date day);
/* Writes "YYYY-MM-DD HH:MM:SS" (20 bytes with NUL). */
void yb_datetime_format(char *buf, yb_datetime t);

static inline yb_date yb_datetime_date(yb_datetime t)
{
	return (yb_date)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

int yb_date_year(yb_date day);
/* Age in whole years on `on` for a person born on `brdy`. */
int yb_age(yb_date brdy, yb_date on);

#endif
