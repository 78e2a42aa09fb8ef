/* Gateway authentication (NHSA.md, "Transport"): x-tif-paasid,
 * x-tif-timestamp, x-tif-nonce and x-tif-signature = lowercase hex
 * SHA-256(timestamp + secret + nonce + timestamp).
 *
 * The nonce cache, invariants:
 *  1. A nonce accepted with timestamp ts is refused again until ts + 300 s,
 *     after which the timestamp itself is refused: so a signed request can
 *     never be replayed. ("Forgets entries older than 300 s": older by the
 *     request's own timestamp.)
 *  2. Memory is bounded: at most `max` nonces are remembered; when full,
 *     new requests are refused (503), never admitted by forgetting one.
 *  3. Entries are grouped in generations by expiry (exp / 300). An
 *     accepted exp lies in [now, now + 600], so at most three generations
 *     hold live entries; four slots in a ring let a generation be dropped
 *     whole when its slot comes round again, with nothing live in it.
 * Keys are 64 bits of a salted SHA-256 of (paasid, nonce): a collision can
 * only refuse a fresh nonce, with odds near n^2 / 2^65. */
#include "yibao/http.h"
#include "yibao/error.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NONCE_MAX 128
#define SECRET_MAX 127
#define GENS 4
#define DEFAULT_MAX_NONCES (4u << 20)

typedef struct slot {
	uint64_t key;  /* 0: empty */
	int64_t exp;   /* Unix seconds: refused until then */
} slot;

typedef struct gen {
	int64_t tag;   /* exp / 300 of its entries; -1 unused */
	slot *s;
	size_t cap;    /* power of two */
	size_t n;
} gen;

struct yb_nonce_cache {
	pthread_mutex_t mu;
	unsigned char salt[16];
	gen g[GENS];
	size_t max;
};

int yb_nonce_cache_new(yb_nonce_cache **out, size_t max)
{
	yb_nonce_cache *nc = calloc(1, sizeof(*nc));
	int i;

	if (!nc)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if (RAND_bytes(nc->salt, sizeof(nc->salt)) != 1) {
		free(nc);
		return yb_error_set(YB_ERROR, "nonce cache: no random bytes");
	}
	pthread_mutex_init(&nc->mu, NULL);
	for (i = 0; i < GENS; i++)
		nc->g[i].tag = -1;
	nc->max = max ? max : DEFAULT_MAX_NONCES;
	*out = nc;
	return 0;
}

void yb_nonce_cache_free(yb_nonce_cache *nc)
{
	int i;

	if (!nc)
		return;
	for (i = 0; i < GENS; i++)
		free(nc->g[i].s);
	pthread_mutex_destroy(&nc->mu);
	free(nc);
}

static uint64_t nonce_key(const yb_nonce_cache *nc, const char *paasid, const char *nonce)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint64_t k = 0;
	int i;

	if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, nc->salt, sizeof(nc->salt)) == 1 &&
	    EVP_DigestUpdate(ctx, paasid, strlen(paasid) + 1) == 1 &&
	    EVP_DigestUpdate(ctx, nonce, strlen(nonce)) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen >= 8)
		for (i = 0; i < 8; i++)
			k = k << 8 | md[i];
	EVP_MD_CTX_free(ctx);
	return k ? k : 1;
}

static slot *find(gen *g, uint64_t key)
{
	size_t i, mask = g->cap - 1;

	if (!g->cap)
		return NULL;
	for (i = key & mask; g->s[i].key; i = (i + 1) & mask)
		if (g->s[i].key == key)
			return &g->s[i];
	return NULL;
}

static void place(gen *g, uint64_t key, int64_t exp)
{
	size_t i, mask = g->cap - 1;

	for (i = key & mask; g->s[i].key; i = (i + 1) & mask)
		;
	g->s[i].key = key;
	g->s[i].exp = exp;
	g->n++;
}

static int grow(gen *g)
{
	size_t cap = g->cap ? g->cap * 2 : 1024, i;
	slot *old = g->s, *s = calloc(cap, sizeof(*s));
	size_t oldcap = g->cap;

	if (!s)
		return YB_ENOMEM;
	g->s = s;
	g->cap = cap;
	g->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			place(g, old[i].key, old[i].exp);
	free(old);
	return 0;
}

/* Remembers (key, exp) at time now; YB_EREFUSED if seen and live. */
static int remember(yb_nonce_cache *nc, uint64_t key, int64_t exp, int64_t now)
{
	int64_t tag = exp / YB_AUTH_WINDOW;
	size_t total = 0;
	gen *g;
	int i, rc = 0;

	pthread_mutex_lock(&nc->mu);
	for (i = 0; i < GENS; i++) {
		slot *s = find(&nc->g[i], key);
		if (s && s->exp > now) {
			rc = yb_error_set(YB_EREFUSED, "x-tif-nonce: already used");
			goto done;
		}
	}
	g = &nc->g[tag % GENS];
	if (g->tag != tag) {
		/* invariant 3: nothing in this slot is live any more */
		if (g->s)
			memset(g->s, 0, g->cap * sizeof(*g->s));
		g->n = 0;
		g->tag = tag;
	}
	for (i = 0; i < GENS; i++)
		if (nc->g[i].tag >= now / YB_AUTH_WINDOW) /* may hold live entries */
			total += nc->g[i].n;
	if (total >= nc->max) {
		rc = yb_error_set(YB_EBUSY, "x-tif-nonce: too many requests in the last %d s, retry later",
				  YB_AUTH_WINDOW);
		goto done;
	}
	if ((g->n + 1) * 4 > g->cap * 3 && grow(g) < 0) {
		rc = yb_error_set(YB_EBUSY, "x-tif-nonce: out of memory, retry later");
		goto done;
	}
	place(g, key, exp);
done:
	pthread_mutex_unlock(&nc->mu);
	return rc;
}

void yb_auth_sign(char out[65], const char *timestamp, const char *secret,
		  const char *nonce)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	out[0] = '\0';
	if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, timestamp, strlen(timestamp)) == 1 &&
	    EVP_DigestUpdate(ctx, secret, strlen(secret)) == 1 &&
	    EVP_DigestUpdate(ctx, nonce, strlen(nonce)) == 1 &&
	    EVP_DigestUpdate(ctx, timestamp, strlen(timestamp)) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32) {
		for (i = 0; i < 32; i++) {
			out[2 * i] = hex[md[i] >> 4];
			out[2 * i + 1] = hex[md[i] & 15];
		}
		out[64] = '\0';
	}
	EVP_MD_CTX_free(ctx);
}

static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int yb_auth_check(yb_nonce_cache *nc, const yb_auth_hdr *h, const char *secret,
		  int64_t now)
{
	char want[65], got[65];
	int64_t ts = 0;
	size_t i, n;

	if (!h->paasid || !h->paasid[0])
		return yb_error_set(YB_EREFUSED, "x-tif-paasid: missing header");
	if (!h->timestamp || !h->timestamp[0])
		return yb_error_set(YB_EREFUSED, "x-tif-timestamp: missing header");
	if (!h->nonce || !h->nonce[0])
		return yb_error_set(YB_EREFUSED, "x-tif-nonce: missing header");
	if (!h->signature || !h->signature[0])
		return yb_error_set(YB_EREFUSED, "x-tif-signature: missing header");
	if (!secret || !secret[0])
		return yb_error_set(YB_EREFUSED, "x-tif-paasid: institution has no gateway secret");
	n = strlen(h->timestamp);
	if (n > 12 || strspn(h->timestamp, "0123456789") != n)
		return yb_error_set(YB_EREFUSED, "x-tif-timestamp: not Unix seconds");
	for (i = 0; i < n; i++)
		ts = ts * 10 + (h->timestamp[i] - '0');
	if (strlen(h->nonce) > NONCE_MAX || !printable(h->nonce))
		return yb_error_set(YB_EREFUSED, "x-tif-nonce: more than %d printable characters", NONCE_MAX);
	if (strlen(secret) > SECRET_MAX)
		return yb_error_set(YB_EREFUSED, "x-tif-paasid: institution secret too long");
	/* the signature first: an unsigned request learns nothing else */
	if (strlen(h->signature) != 64)
		return yb_error_set(YB_EREFUSED, "x-tif-signature: does not match");
	for (i = 0; i < 64; i++) {
		char ch = h->signature[i];
		got[i] = ch >= 'A' && ch <= 'F' ? (char)(ch - 'A' + 'a') : ch;
	}
	got[64] = '\0';
	yb_auth_sign(want, h->timestamp, secret, h->nonce);
	if (!want[0])
		return yb_error_set(YB_ERROR, "x-tif-signature: cannot compute SHA-256");
	if (CRYPTO_memcmp(want, got, 64) != 0)
		return yb_error_set(YB_EREFUSED, "x-tif-signature: does not match");
	if (ts < now - YB_AUTH_WINDOW || ts > now + YB_AUTH_WINDOW)
		return yb_error_set(YB_EREFUSED, "x-tif-timestamp: more than %d s from the server clock",
				    YB_AUTH_WINDOW);
	return remember(nc, nonce_key(nc, h->paasid, h->nonce), ts + YB_AUTH_WINDOW, now);
}
