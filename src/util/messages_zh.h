/* The message catalogue (src/util/messages.c): {English format, Chinese}.
 * The English format is the one in the code, byte for byte (a leading
 * "field: " may be left out: the message's path stands for it); in the
 * Chinese, {1}, {2}... are the values of the format's conversions in
 * order and {f} the field's path (e.g. input.data.psn_no); without {f}
 * the path is put before the Chinese. Field names stay the national ones.
 * tests/messages_test.sh checks every format in src/ has its line. */
{"missing", "缺少必填参数 {f}"},
{"not a string", "输入参数 {f} 应为字符串"},
{"longer than %zu bytes", "输入参数 {f} 超过最大长度 {1} 字节"},
{"not a time (yyyy-MM-dd HH:mm:ss)", "输入参数 {f} 不是有效时间（yyyy-MM-dd HH:mm:ss）"},
{"%s is not insured on %s", "参保人员 {1} 在 {2} 无有效参保信息"},
