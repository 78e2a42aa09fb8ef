/* Whole response bodies of recent 2207/2208 messages by (fixmedins_code,
 * msgid), least recently used out first, bounded in entries and bytes.
 * The ledger keeps the durable record (the output); this keeps the
 * envelope around it identical for retries while the process lives. */
#include "http.h"
#include "yibao/error.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ENTRIES 65536
#define DEFAULT_BYTES (64u << 20)

typedef struct entry {
	struct entry *hnext;        /* hash chain */
	struct entry *prev, *next;  /* LRU list, most recent first */
	uint64_t hash;
	char infno[8];
	size_t keylen, len;
	char *body;
	char *key;                  /* fixmedins_code \x1f msgid, in the same block */
} entry;

struct yb_idem_cache {
	pthread_mutex_t mu;
	entry **bucket;
	size_t nbucket;             /* power of two */
	entry lru;                  /* sentinel */
	size_t n, bytes, max_entries, max_bytes;
};

int yb_idem_cache_new(yb_idem_cache **out, size_t max_entries, size_t max_bytes)
{
	yb_idem_cache *ic = calloc(1, sizeof(*ic));

	if (!ic)
		return yb_error_set(YB_ENOMEM, "out of memory");
	ic->max_entries = max_entries ? max_entries : DEFAULT_ENTRIES;
	ic->max_bytes = max_bytes ? max_bytes : DEFAULT_BYTES;
	for (ic->nbucket = 64; ic->nbucket < ic->max_entries; ic->nbucket *= 2)
		;
	if (!(ic->bucket = calloc(ic->nbucket, sizeof(*ic->bucket)))) {
		free(ic);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	ic->lru.prev = ic->lru.next = &ic->lru;
	pthread_mutex_init(&ic->mu, NULL);
	*out = ic;
	return 0;
}

void yb_idem_cache_free(yb_idem_cache *ic)
{
	entry *e, *next;

	if (!ic)
		return;
	for (e = ic->lru.next; e != &ic->lru; e = next) {
		next = e->next;
		free(e->body);
		free(e);
	}
	free(ic->bucket);
	pthread_mutex_destroy(&ic->mu);
	free(ic);
}

/* FNV-1a over the key parts with a separator no id contains. */
static uint64_t hash_key(const char *code, const char *msgid)
{
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)code; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ 0x1f) * 1099511628211ULL;
	for (p = (const unsigned char *)msgid; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static int same_key(const entry *e, const char *code, const char *msgid)
{
	size_t n = strlen(code);
	return strncmp(e->key, code, n) == 0 && e->key[n] == 0x1f &&
	       strcmp(e->key + n + 1, msgid) == 0;
}

static entry *lookup(yb_idem_cache *ic, uint64_t h, const char *code, const char *msgid)
{
	entry *e;

	for (e = ic->bucket[h & (ic->nbucket - 1)]; e; e = e->hnext)
		if (e->hash == h && same_key(e, code, msgid))
			return e;
	return NULL;
}

static void unlink_lru(entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void push_front(yb_idem_cache *ic, entry *e)
{
	e->next = ic->lru.next;
	e->prev = &ic->lru;
	ic->lru.next->prev = e;
	ic->lru.next = e;
}

static void evict(yb_idem_cache *ic, entry *e)
{
	entry **pp = &ic->bucket[e->hash & (ic->nbucket - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	unlink_lru(e);
	ic->n--;
	ic->bytes -= e->len + e->keylen;
	free(e->body);
	free(e);
}

int yb_idem_get(yb_idem_cache *ic, const char *fixmedins_code, const char *msgid,
		char infno[8], yb_buf *body)
{
	uint64_t h = hash_key(fixmedins_code, msgid);
	entry *e;
	int rc = YB_ENOTFOUND;

	pthread_mutex_lock(&ic->mu);
	if ((e = lookup(ic, h, fixmedins_code, msgid))) {
		unlink_lru(e);
		push_front(ic, e);
		memcpy(infno, e->infno, sizeof(e->infno));
		yb_buf_clear(body);
		yb_buf_put(body, e->body, e->len);
		rc = body->oom ? YB_ENOMEM : 0;
	}
	pthread_mutex_unlock(&ic->mu);
	return rc;
}

void yb_idem_put(yb_idem_cache *ic, const char *fixmedins_code, const char *msgid,
		 const char *infno, yb_buf *body)
{
	uint64_t h = hash_key(fixmedins_code, msgid);
	size_t cl = strlen(fixmedins_code), ml = strlen(msgid);
	entry *e;

	if (body->oom || body->len + cl + ml > ic->max_bytes)
		return;
	pthread_mutex_lock(&ic->mu);
	if ((e = lookup(ic, h, fixmedins_code, msgid))) {
		/* a concurrent retry got here first: answer as it did */
		yb_buf_clear(body);
		yb_buf_put(body, e->body, e->len);
		goto done;
	}
	if (!(e = malloc(sizeof(*e) + cl + ml + 2)))
		goto done;
	e->key = (char *)(e + 1);
	if (!(e->body = malloc(body->len + 1))) {
		free(e);
		goto done;
	}
	memcpy(e->body, body->ptr, body->len);
	e->body[body->len] = '\0';
	e->len = body->len;
	memcpy(e->key, fixmedins_code, cl);
	e->key[cl] = 0x1f;
	memcpy(e->key + cl + 1, msgid, ml + 1);
	e->keylen = cl + ml + 2;
	e->hash = h;
	memset(e->infno, 0, sizeof(e->infno));
	memcpy(e->infno, infno, strnlen(infno, sizeof(e->infno) - 1));
	while (ic->n && (ic->n >= ic->max_entries ||
			 ic->bytes + e->len + e->keylen > ic->max_bytes))
		evict(ic, ic->lru.prev);
	e->hnext = ic->bucket[h & (ic->nbucket - 1)];
	ic->bucket[h & (ic->nbucket - 1)] = e;
	push_front(ic, e);
	ic->n++;
	ic->bytes += e->len + e->keylen;
done:
	pthread_mutex_unlock(&ic->mu);
}
