/* A failing SQLite VFS (see faultvfs.h): a shim over the default VFS whose
 * files pass every call through, except that once armed, writes and syncs
 * are counted and fail as the environment asks. The database, its WAL and
 * any journal all go through it; the shared-memory index does not (it is
 * memory, not writes).
 *
 * A failing write writes nothing (or, with YB_FAULT_TORN=1, the first half
 * of its buffer: a torn write), as a full or failing disk would. A failing
 * sync leaves whatever was written in the OS cache, as after an fsync error:
 * that data may well reach the file later, which is the harder case for the
 * store (a commit it reported failed may turn out present). */
#include "faultvfs.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fx_file {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same allocation */
} fx_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fx_vfs;
static atomic_int armed;
static atomic_long n_ops, n_fail;
static long fault_after = -1, fault_every;
static int fault_full, fault_torn, count_write = 1, count_sync = 1;

#define REAL(f) (((fx_file *)(f))->real)

/* Counts one operation; says whether it fails. */
static int should_fail(void)
{
	long n;

	if (!atomic_load(&armed))
		return 0;
	n = atomic_fetch_add(&n_ops, 1) + 1;
	if (n <= fault_after)
		return 0;
	if (fault_every > 0 && (n - fault_after - 1) % fault_every != 0)
		return 0;
	atomic_fetch_add(&n_fail, 1);
	return 1;
}

static int fx_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
	f->pMethods = NULL;
	return rc;
}

static int fx_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
}

static int fx_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	if (count_write && should_fail()) {
		if (fault_torn && amt > 1)
			REAL(f)->pMethods->xWrite(REAL(f), buf, amt / 2, off);
		return fault_full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
	}
	return REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off);
}

static int fx_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int fx_sync(sqlite3_file *f, int flags)
{
	if (count_sync && should_fail())
		return fault_full ? SQLITE_FULL : SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int fx_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int fx_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int fx_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int fx_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int fx_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int fx_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int fx_device_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int fx_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	const sqlite3_io_methods *m = REAL(f)->pMethods;
	return m->iVersion >= 2 ? m->xShmMap(REAL(f), pg, pgsz, extend, pp) : SQLITE_IOERR_SHMMAP;
}

static int fx_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	const sqlite3_io_methods *m = REAL(f)->pMethods;
	return m->iVersion >= 2 ? m->xShmLock(REAL(f), off, n, flags) : SQLITE_IOERR_SHMLOCK;
}

static void fx_shm_barrier(sqlite3_file *f)
{
	const sqlite3_io_methods *m = REAL(f)->pMethods;
	if (m->iVersion >= 2)
		m->xShmBarrier(REAL(f));
}

static int fx_shm_unmap(sqlite3_file *f, int del)
{
	const sqlite3_io_methods *m = REAL(f)->pMethods;
	return m->iVersion >= 2 ? m->xShmUnmap(REAL(f), del) : SQLITE_OK;
}

static int fx_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	const sqlite3_io_methods *m = REAL(f)->pMethods;
	if (m->iVersion >= 3)
		return m->xFetch(REAL(f), off, amt, pp);
	*pp = NULL;
	return SQLITE_OK;
}

static int fx_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	const sqlite3_io_methods *m = REAL(f)->pMethods;
	return m->iVersion >= 3 ? m->xUnfetch(REAL(f), off, p) : SQLITE_OK;
}

static const sqlite3_io_methods fx_io = {
	3, fx_close, fx_read, fx_write, fx_truncate, fx_sync, fx_file_size,
	fx_lock, fx_unlock, fx_check_reserved, fx_file_control, fx_sector_size,
	fx_device_characteristics, fx_shm_map, fx_shm_lock, fx_shm_barrier,
	fx_shm_unmap, fx_fetch, fx_unfetch,
};

/* --------------------------------------------------------------- the VFS */

static int fx_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out_flags)
{
	fx_file *p = (fx_file *)f;
	int rc;

	(void)vfs;
	p->real = (sqlite3_file *)(p + 1);
	memset(p->real, 0, (size_t)real_vfs->szOsFile);
	rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
	f->pMethods = p->real->pMethods ? &fx_io : NULL;
	return rc;
}

static int fx_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	(void)v;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int fx_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int fx_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *fx_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void fx_dlerror(sqlite3_vfs *v, int n, char *msg)
{
	(void)v;
	real_vfs->xDlError(real_vfs, n, msg);
}

static void (*fx_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void fx_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	real_vfs->xDlClose(real_vfs, h);
}

static int fx_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int fx_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return real_vfs->xSleep(real_vfs, us);
}

static int fx_current_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	return real_vfs->xCurrentTime(real_vfs, t);
}

static int fx_get_last_error(sqlite3_vfs *v, int n, char *msg)
{
	(void)v;
	return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, msg) : 0;
}

static int fx_current_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

static long env_long(const char *name, long dflt)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return dflt;
	v = strtol(s, &end, 10);
	return *end ? -2 : v;
}

int faultvfs_register(void)
{
	const char *err = getenv("YB_FAULT_ERR"), *ops = getenv("YB_FAULT_OPS");

	fault_after = env_long("YB_FAULT_AFTER", -1);
	fault_every = env_long("YB_FAULT_EVERY", 0);
	fault_torn = env_long("YB_FAULT_TORN", 0) == 1;
	if (fault_after < 0 || fault_every < 0) {
		fprintf(stderr, "faultvfs: YB_FAULT_AFTER=K (K >= 0) is required, YB_FAULT_EVERY >= 0\n");
		return -1;
	}
	if (err && strcmp(err, "full") == 0)
		fault_full = 1;
	else if (err && *err && strcmp(err, "ioerr") != 0) {
		fprintf(stderr, "faultvfs: YB_FAULT_ERR is ioerr or full\n");
		return -1;
	}
	if (ops && strcmp(ops, "write") == 0)
		count_sync = 0;
	else if (ops && strcmp(ops, "sync") == 0)
		count_write = 0;
	else if (ops && *ops && strcmp(ops, "both") != 0) {
		fprintf(stderr, "faultvfs: YB_FAULT_OPS is write, sync or both\n");
		return -1;
	}
	if (!(real_vfs = sqlite3_vfs_find(NULL)))
		return -1;
	fx_vfs = *real_vfs;
	fx_vfs.iVersion = real_vfs->iVersion < 2 ? real_vfs->iVersion : 2;
	fx_vfs.szOsFile = (int)sizeof(fx_file) + real_vfs->szOsFile;
	fx_vfs.pNext = NULL;
	fx_vfs.zName = "faultvfs";
	fx_vfs.pAppData = NULL;
	fx_vfs.xOpen = fx_open;
	fx_vfs.xDelete = fx_delete;
	fx_vfs.xAccess = fx_access;
	fx_vfs.xFullPathname = fx_full_pathname;
	fx_vfs.xDlOpen = fx_dlopen;
	fx_vfs.xDlError = fx_dlerror;
	fx_vfs.xDlSym = fx_dlsym;
	fx_vfs.xDlClose = fx_dlclose;
	fx_vfs.xRandomness = fx_randomness;
	fx_vfs.xSleep = fx_sleep;
	fx_vfs.xCurrentTime = fx_current_time;
	fx_vfs.xGetLastError = fx_get_last_error;
	fx_vfs.xCurrentTimeInt64 = real_vfs->iVersion >= 2 ? fx_current_time64 : NULL;
	fx_vfs.xSetSystemCall = NULL;
	fx_vfs.xGetSystemCall = NULL;
	fx_vfs.xNextSystemCall = NULL;
	return sqlite3_vfs_register(&fx_vfs, 1) == SQLITE_OK ? 0 : -1;
}

void faultvfs_arm(void)
{
	atomic_store(&armed, 1);
}

long faultvfs_ops(void)
{
	return atomic_load(&n_ops);
}

long faultvfs_failures(void)
{
	return atomic_load(&n_fail);
}
