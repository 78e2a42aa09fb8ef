/* bench/gen_people: JSON lines for `yibao load`, to time loading a city.
 *
 *   build/bench/gen_people N [--institutions K] [--no-bindings] [--seed S] > people.jsonl
 *   time build/yibao load --db city.db people.jsonl
 *
 * Writes K institutions (default 32), then N persons of Huaibei (340600):
 * 60 % employees (insutype 310, in service 1101 or retired 1201, with a
 * personal account balance), 40 % residents (390, 1401/1501, no account),
 * insured 2024-01-01..2024-12-31; then family mutual-aid bindings: every
 * fifth person is bound to the next person if that one is an employee (at
 * most one binding per initiator, so A1 is never hit). psn_no P34060 and ten
 * digits; certno unique. Deterministic for a given seed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rnd(void) /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rnd_in(int lo, int hi) /* inclusive */
{
	return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

/* Whether person i is an employee: a pure function of (seed, i), so that
 * the bindings pass can ask again without storing anything. */
static int employee(uint64_t seed, unsigned long i)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ull + i * 0xbf58476d1ce4e5b9ull + 1;
	z = (z ^ (z >> 31)) * 0x94d049bb133111ebull;
	z ^= z >> 29;
	return z % 100 < 60;
}

static void usage(void)
{
	fprintf(stderr, "usage: gen_people N [--institutions K] [--no-bindings] [--seed S] > people.jsonl\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long n = 0, k = 32, i, bindings = 0;
	uint64_t seed = 1;
	int with_bindings = 1, a;
	static char out[1 << 20];

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--institutions") && a + 1 < argc)
			k = strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--seed") && a + 1 < argc)
			seed = strtoull(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--no-bindings"))
			with_bindings = 0;
		else if (argv[a][0] >= '0' && argv[a][0] <= '9' && !n)
			n = strtoul(argv[a], NULL, 10);
		else
			usage();
	}
	if (!n || n > 9999999999ul || k > 999999)
		usage();
	setvbuf(stdout, out, _IOFBF, sizeof(out));
	rng_state = seed;

	for (i = 0; i < k; i++)
		printf("{\"kind\":\"fixmedins\",\"fixmedins_code\":\"H34060%06lu\",\"fixmedins_name\":\"Hospital %lu\","
		       "\"fixmedins_type\":\"1\",\"hosp_lv\":\"%lu\",\"prim_flag\":\"%d\",\"admdvs\":\"%s\"}\n",
		       i + 1, i + 1, 1 + i % 3, i % 3 == 0, i % 2 ? "340602" : "340603");
	for (i = 0; i < n; i++) {
		int emp = employee(seed, i), retired = emp && rnd_in(0, 99) < 35;
		int y = retired ? rnd_in(1940, 1964) : rnd_in(1950, 2023), m = rnd_in(1, 12), d = rnd_in(1, 28);
		printf("{\"kind\":\"psn\",\"psn_no\":\"P34060%010lu\",\"certno\":\"340600%04d%02d%02d%08lu\","
		       "\"psn_name\":\"Person %lu\",\"gend\":\"%d\",\"brdy\":\"%04d-%02d-%02d\",\"insutype\":\"%s\","
		       "\"psn_type\":\"%s\",\"insu_admdvs\":\"340600\",\"begndate\":\"2024-01-01\","
		       "\"enddate\":\"2024-12-31\"",
		       i, y, m, d, i, i, rnd_in(1, 2), y, m, d, emp ? "310" : "390",
		       emp ? (retired ? "1201" : "1101") : (y >= 2006 ? "1401" : "1501"));
		if (emp)
			printf(",\"acct_balc\":%d.%02d", rnd_in(0, 5000), rnd_in(0, 99));
		printf("}\n");
	}
	if (with_bindings)
		for (i = 0; i + 1 < n; i += 5)
			if (employee(seed, i + 1)) {
				printf("{\"kind\":\"mulaid\",\"initiator_psn_no\":\"P34060%010lu\","
				       "\"bound_psn_no\":\"P34060%010lu\",\"bind_time\":\"2024-01-05 10:00:00\"}\n",
				       i + 1, i);
				bindings++;
			}
	if (fflush(stdout) != 0) {
		perror("gen_people");
		return 1;
	}
	fprintf(stderr, "gen_people: %lu institutions, %lu persons, %lu bindings\n", k, n, bindings);
	return 0;
}
