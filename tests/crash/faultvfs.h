/* A failing SQLite VFS for tests: wraps the default VFS and makes xWrite
 * and xSync fail once armed. Configured from the environment:
 *   YB_FAULT_AFTER=K   the first K counted operations succeed (required)
 *   YB_FAULT_EVERY=M   0 (default): every operation after K fails (a full
 *                      disk); M > 0: the (K+1)th and then every Mth fails
 *   YB_FAULT_ERR=ioerr|full   SQLITE_IOERR_WRITE/FSYNC (default) or SQLITE_FULL
 *   YB_FAULT_OPS=write|sync|both   which operations count and fail (both)
 *   YB_FAULT_TORN=1    a failing write first writes half of its buffer
 */
#ifndef YB_FAULTVFS_H
#define YB_FAULTVFS_H

/* Registers the shim as the default VFS (before any connection opens).
 * Returns 0, or -1 if the environment is wrong or SQLite refuses. */
int faultvfs_register(void);
/* Starts counting operations (after the ledger has opened). */
void faultvfs_arm(void);
/* Operations seen since arming, and failures injected. */
long faultvfs_ops(void);
long faultvfs_failures(void);

#endif
