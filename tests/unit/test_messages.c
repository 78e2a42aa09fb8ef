/* The message catalogue (src/util/messages.c): an English message becomes
 * the Chinese of its format, its values and field path carried over; a
 * message the catalogue lacks keeps its English after the words of its
 * kind. Each expected text is written out in full. */
#include "unit.h"

#include "yibao/messages.h"

static void zh_is(int code, const char *en, const char *want)
{
	char out[512];

	yb_msg_zh(out, sizeof(out), code, en);
	if (strcmp(out, want) != 0)
		print_error("'%s' -> '%s', want '%s'\n", en, out, want);
	assert_string_equal(out, want);
}

static void field_and_values(void **state)
{
	(void)state;
	zh_is(YB_ENOTFOUND, "input.data.psn_no: missing", "缺少必填参数 input.data.psn_no");
	zh_is(YB_EINVALID, "input.data.begntime: not a time (yyyy-MM-dd HH:mm:ss)",
	      "输入参数 input.data.begntime 不是有效时间（yyyy-MM-dd HH:mm:ss）");
	zh_is(YB_EINVALID, "input.feedetail[3].rxno: longer than 30 bytes",
	      "输入参数 input.feedetail[3].rxno 超过最大长度 30 字节");
	/* a format that names its field itself, as the ledger sets it, and the
	 * same under the path the interface gives it */
	zh_is(YB_EREFUSED, "psn_no: P1 is not insured on 2024-01-01", "参保人员 P1 在 2024-01-01 无有效参保信息");
	zh_is(YB_EREFUSED, "input.data.psn_no: P1 is not insured on 2024-01-01",
	      "参保人员 P1 在 2024-01-01 无有效参保信息");
}

static void unknown_keeps_english(void **state)
{
	(void)state;
	zh_is(YB_EREFUSED, "something new: X", "不予办理：something new: X");
	zh_is(YB_EBUSY, "the moon is in the way", "服务繁忙，请稍后重试：the moon is in the way");
	/* the catalogue has the store's own words for it */
	zh_is(YB_EBUSY, "store unavailable, try again: gone", "数据库暂不可用，请稍后重试：gone");
}

static void prefixed(void **state)
{
	(void)state;
	/* a prefix (yb_error_prefix) over a known message */
	zh_is(YB_ENOTFOUND, "omsgid M1: input.data.psn_no: missing", "omsgid M1: 缺少必填参数 input.data.psn_no");
}

static void cut_to_size(void **state)
{
	char out[8];
	size_t n;

	(void)state;
	n = yb_msg_zh(out, sizeof(out), YB_ENOTFOUND, "input.data.psn_no: missing");
	assert_int_equal(n, 7);
	assert_int_equal(strlen(out), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_and_values),
		cmocka_unit_test(unknown_keeps_english),
		cmocka_unit_test(prefixed),
		cmocka_unit_test(cut_to_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
