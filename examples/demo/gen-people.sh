#!/bin/sh
# The demo city for `make run`: JSON lines for `yibao load` (docs/ledger.md).
#
#   sh examples/demo/gen-people.sh [N [YEAR]] > demo.jsonl
#
# Writes the institutions of Huaibei (340600) of every kind the policy
# knows (community centre, township centre, village clinic, level-2 and
# level-3 hospitals, a pharmacy), each with a gateway secret; a year of
# insurance for the five named persons of examples/demo/data.jsonl; then N
# generated persons (default 300): 60 % employees (insutype 310, in
# service or retired, with a personal account), 40 % residents (390,
# children and adults), insured for YEAR (default: this year), with ID
# numbers whose check character is right (GB 11643); and family mutual-aid
# bindings (A1): most employees bind a child or a parent among the
# residents. Deterministic for given N and YEAR.
set -eu
N=${1:-300}
YEAR=${2:-$(date +%Y)}

cat <<EOF
{"kind":"fixmedins","fixmedins_code":"H34060300101","fixmedins_name":"相山区东街道社区卫生服务中心","fixmedins_type":"1","hosp_lv":"1","prim_flag":"1","admdvs":"340603","secret":"demo-secret-clinic"}
{"kind":"fixmedins","fixmedins_code":"H34062100201","fixmedins_name":"濉溪县刘桥镇卫生院","fixmedins_type":"1","hosp_lv":"1","prim_flag":"1","admdvs":"340621","secret":"demo-secret-township"}
{"kind":"fixmedins","fixmedins_code":"H34062100211","fixmedins_name":"濉溪县刘桥镇前李村卫生室","fixmedins_type":"1","hosp_lv":"0","prim_flag":"1","admdvs":"340621","secret":"demo-secret-village"}
{"kind":"fixmedins","fixmedins_code":"H34060200301","fixmedins_name":"淮北市第二人民医院","fixmedins_type":"1","hosp_lv":"2","prim_flag":"0","admdvs":"340602","secret":"demo-secret-l2"}
{"kind":"fixmedins","fixmedins_code":"H34060200001","fixmedins_name":"淮北市人民医院","fixmedins_type":"1","hosp_lv":"3","prim_flag":"0","admdvs":"340602","secret":"demo-secret-l3"}
{"kind":"fixmedins","fixmedins_code":"P34060300011","fixmedins_name":"淮北市国药大药房相山店","fixmedins_type":"2","hosp_lv":"0","prim_flag":"0","admdvs":"340603","secret":"demo-secret-pharmacy"}
EOF

# the named persons of data.jsonl, insured this year too
sed -n '/"kind":"psn"/p' "$(dirname "$0")/data.jsonl" |
	sed "s/\"begndate\":\"2024-01-01\"/\"begndate\":\"$YEAR-01-01\"/; s/\"enddate\":\"2024-12-31\"/\"enddate\":\"$YEAR-12-31\"/"
sed -n '/"kind":"mulaid"/p' "$(dirname "$0")/data.jsonl" | sed "s/\"bind_time\":\"2024-/\"bind_time\":\"$YEAR-/"

awk -v n="$N" -v year="$YEAR" '
function rnd(m) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % m }
function pad(v, w,    s) { s = v ""; while (length(s) < w) s = "0" s; return s }
# GB 11643 check character of the first 17 digits
function check(id,    i, sum) {
	sum = 0
	for (i = 1; i <= 17; i++) sum += substr(id, i, 1) * wt[i]
	return substr("10X98765432", sum % 11 + 1, 1)
}
BEGIN {
	seed = n * 31 + year
	split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", wt, " ")
	ns = split("王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗", sur, " ")
	ng = split("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 桂英 建华 国强 志刚 海燕 小红", giv, " ")
	nr = split("340602 340603 340604 340621", reg, " ")
	for (i = 1; i <= n; i++) {
		emp = rnd(100) < 60
		if (emp) {
			retired = rnd(100) < 25
			by = year - (retired ? 62 + rnd(20) : 22 + rnd(38))
			type = retired ? "1201" : "1101"
			insutype = "310"
		} else {
			child = rnd(100) < 40
			by = year - (child ? 1 + rnd(16) : 18 + rnd(60))
			type = child ? "1401" : "1501"
			insutype = "390"
		}
		gend = 1 + rnd(2)
		bd = by "-" pad(1 + rnd(12), 2) "-" pad(1 + rnd(28), 2)
		# region 6, birth date 8, sequence 3 (odd for men)
		id17 = reg[1 + rnd(nr)] substr(bd, 1, 4) substr(bd, 6, 2) substr(bd, 9, 2) pad((i % 500) * 2 + (gend == 1), 3)
		certno = id17 check(id17)
		psn = "340610" pad(i, 14)
		name = sur[1 + rnd(ns)] giv[1 + rnd(ng)]
		printf "{\"kind\":\"psn\",\"psn_no\":\"%s\",\"certno\":\"%s\",\"psn_name\":\"%s\",\"gend\":\"%d\",\"brdy\":\"%s\",\"insutype\":\"%s\",\"psn_type\":\"%s\",\"insu_admdvs\":\"340600\",\"begndate\":\"%s-01-01\",\"enddate\":\"%s-12-31\"",
			psn, certno, name, gend, bd, insutype, type, year, year
		if (emp)
			printf ",\"acct_balc\":%d.%s", 200 + rnd(3000), pad(rnd(100), 2)
		printf "}\n"
		is_emp[i] = emp
	}
	# A1: an employee binds the next one or two residents, at most two each
	b = 0
	for (i = 1; i <= n; i++) {
		if (!is_emp[i] || rnd(100) >= 70) continue
		k = 0
		for (j = i + 1; j <= n && j <= i + 4 && k < 2; j++) {
			if (is_emp[j] || bound[j]) continue
			bound[j] = 1; k++
			printf "{\"kind\":\"mulaid\",\"initiator_psn_no\":\"340610%s\",\"bound_psn_no\":\"340610%s\",\"bind_time\":\"%s-01-0%d 10:00:00\"}\n",
				pad(i, 14), pad(j, 14), year, 1 + (b++ % 9)
		}
	}
}'
