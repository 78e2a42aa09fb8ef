/* Fuzz target: rule files. Whatever the text, parsing either fails with a
 * message or gives a ruleset that the evaluator can use: a fixed settlement
 * with history is judged under it, every finding must name a rule of the
 * set, and its evidence must be JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yibao/json.h"
#include "yibao/rules.h"

static void judge_under(const yb_ruleset *rs)
{
	static const char *const codes[] = {"110200001", "250310025", "120400006", "310905016",
					    "250302004", "250101015", "250101001", "XC09AAK063A001010104328"};
	yb_rl_line lines[8];
	yb_rl_setl s, past;
	yb_rl_index *ix = NULL;
	yb_rules_history h;
	yb_finding f[32];
	size_t n = 0, i, k;

	memset(lines, 0, sizeof(lines));
	for (i = 0; i < 8; i++) {
		lines[i].feedetl_sn = "1";
		lines[i].med_list_codg = codes[i];
		lines[i].cnt = 30000;
		lines[i].sumamt = 1234;
		lines[i].drug_trac_codg = i == 7 ? "81000000000000000001" : NULL;
		lines[i].trdn_flag = i == 7;
	}
	memset(&s, 0, sizeof(s));
	s.setl_id = "S2";
	s.mdtrt_id = "M2";
	s.psn_no = "P1";
	s.fixmedins_code = "H1";
	s.hosp_lv = 1;
	s.med_type = 21;
	s.gend = '2';
	s.brdy = yb_date_from_ymd(1990, 1, 1);
	s.begntime = (yb_datetime)yb_date_from_ymd(2024, 7, 2) * 86400;
	s.endtime = s.begntime + 5 * 86400;
	s.dise_codg = "J06.900";
	s.medfee_sumamt = 8 * 1234;
	s.lines = lines;
	s.n_lines = 8;
	past = s;
	past.setl_id = "S1";
	past.mdtrt_id = "M1";
	past.begntime -= 86400;
	past.endtime = past.begntime + 2 * 86400;
	if (yb_rl_index_new(&ix, rs, 1) < 0)
		return;
	yb_rl_index_stock(ix, "81000000000000000001", "XA10BAE054A001010100683", 20000);
	yb_rl_index_add(ix, &past);
	past.med_type = 11;
	past.setl_id = "S0";
	past.endtime = 0;
	yb_rl_index_add(ix, &past);
	yb_rl_index_view(ix, &h);
	if (yb_rules_judge(f, 32, &n, rs, &s, &h, YB_RJ_ALL) == 0) {
		for (i = 0; i < n && i < 32; i++) {
			yb_json_doc *doc = NULL;
			for (k = 0; k < yb_ruleset_count(rs) && yb_ruleset_at(rs, k) != f[i].rule; k++)
				;
			if (k == yb_ruleset_count(rs))
				abort(); /* a finding of no rule */
			if (yb_json_parse(&doc, f[i].vola_evid, strlen(f[i].vola_evid), NULL) < 0)
				abort(); /* evidence that is not JSON */
			yb_json_free(doc);
			if (f[i].feedetl_sn && f[i].vola_amt > 1234)
				abort(); /* a line finding above the line */
		}
	}
	yb_rl_index_free(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yb_ruleset *rs = NULL;
	size_t i;

	if (yb_rules_parse(&rs, (const char *)data, size, "fuzz.json") == 0) {
		for (i = 0; i < yb_ruleset_count(rs); i++)
			if (yb_ruleset_find(rs, yb_ruleset_at(rs, i)->id) != yb_ruleset_at(rs, i))
				abort(); /* ids are unique */
		judge_under(rs);
		yb_ruleset_free(rs);
	}
	return 0;
}
