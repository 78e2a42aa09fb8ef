/* The ZIP archive of one stored entry (9102's catalogue files): the CRC-32
 * check value, the exact bytes of a small archive as `unzip -v` and
 * Python's zipfile read them, the way back, and what the reader refuses. */
#include "unit.h"

#include "yibao/zip.h"

static void crc_check_value(void **state)
{
	(void)state;
	/* the check value of CRC-32/ISO-HDLC */
	assert_int_equal(yb_crc32(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(yb_crc32(0, "", 0), 0u);
	/* continued in pieces as in one go */
	assert_int_equal(yb_crc32(yb_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

static void archive_bytes(void **state)
{
	/* 1 entry "a.txt" holding "hi\n": 35 + 3 (local), 51 (central), 22 (end) */
	static const unsigned char want[] = {
		0x50, 0x4b, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00,
		0x7a, 0x7a, 0x6f, 0xed, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x05, 0x00,
		0x00, 0x00, 'a', '.', 't', 'x', 't', 'h', 'i', '\n',
		0x50, 0x4b, 0x01, 0x02, 0x14, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x21, 0x00, 0x7a, 0x7a, 0x6f, 0xed, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
		0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 'a', '.', 't', 'x', 't',
		0x50, 0x4b, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x33, 0x00,
		0x00, 0x00, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	yb_buf b = YB_BUF_INIT;

	(void)state;
	yb_zip_stored(&b, "a.txt", "hi\n", 3);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.ptr, want, sizeof(want));
	yb_buf_free(&b);
}

static void round_trip(void **state)
{
	yb_buf b = YB_BUF_INIT;
	const char *name, *data;
	size_t nl, n;
	const char text[] = "XA10\t二甲双胍\t\t20240101XA10\n";

	(void)state;
	yb_buf_puts(&b, "prefix kept"); /* appends: offsets are from the archive's start */
	yb_zip_stored(&b, "1301_0.txt", text, sizeof(text) - 1);
	assert_int_equal(yb_zip_first(b.ptr + 11, b.len - 11, &name, &nl, &data, &n), 0);
	assert_int_equal(nl, 10);
	assert_memory_equal(name, "1301_0.txt", 10);
	assert_int_equal(n, sizeof(text) - 1);
	assert_memory_equal(data, text, n);
	yb_buf_free(&b);

	/* an empty entry is an archive too */
	yb_zip_stored(&b, "e.txt", "", 0);
	assert_int_equal(yb_zip_first(b.ptr, b.len, &name, &nl, &data, &n), 0);
	assert_int_equal(n, 0);
	yb_buf_free(&b);
}

static void refusals(void **state)
{
	yb_buf b = YB_BUF_INIT;
	const char *name, *data;
	size_t nl, n;

	(void)state;
	assert_fails_with(yb_zip_first("{\"infcode\":-1}", 14, &name, &nl, &data, &n), YB_EINVALID,
			  "no local file header");
	yb_zip_stored(&b, "a.txt", "hi\n", 3);
	b.ptr[36] = 'o'; /* "ho\n" under hi's CRC */
	assert_fails_with(yb_zip_first(b.ptr, b.len, &name, &nl, &data, &n), YB_EINVALID, "CRC-32");
	assert_fails_with(yb_zip_first(b.ptr, 36, &name, &nl, &data, &n), YB_EINVALID, "larger than");
	b.ptr[8] = 8; /* deflated */
	assert_fails_with(yb_zip_first(b.ptr, b.len, &name, &nl, &data, &n), YB_EINVALID, "compressed");
	yb_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc_check_value),
		cmocka_unit_test(archive_bytes),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
