// bench/screen: the bench's six rules as SQL on DuckDB, over the same file
// set as `yibao screen` (docs/rules.md, "The file set"). Writes one line per
// finding, "rule_id,setl_id,feedetl_sn", and prints the seconds it took.
// usage: node screen.mjs DIR OUT.csv [THREADS]
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';

const [dir, out, threads] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: node screen.mjs DIR OUT.csv [THREADS]');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const sql = readFileSync(join(here, 'screen.sql'), 'utf8')
  .replaceAll('{DIR}', dir.replaceAll("'", "''"))
  .replaceAll('{OUT}', out.replaceAll("'", "''"));
const t0 = process.hrtime.bigint();
// spill beside the output, not in the working directory
// and keep the tables in a database file: in-memory tables cannot be
// evicted, and 100 million fee lines do not fit in this machine's memory
const work = join(dirname(out), 'duckdb.work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const opts = { temp_directory: join(work, 'tmp'), max_temp_directory_size: process.env.DUCKDB_MAX_TEMP || '40GB' };
if (threads) opts.threads = String(threads);
const db = await DuckDBInstance.create(join(work, 'screen.duckdb'), opts);
const con = await db.connect();
for (const stmt of sql.split(/;\s*\n/).map((s) => s.trim()).filter((s) => s && !/^--[^\n]*$/.test(s))) {
  await con.run(stmt);
}
const r = await con.runAndReadAll(`SELECT count(*) AS n FROM read_csv('${out.replaceAll("'", "''")}', header=false, all_varchar=true)`);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
con.closeSync?.();
rmSync(work, { recursive: true, force: true });
console.log(`duckdb: ${r.getRows()[0][0]} findings in ${secs.toFixed(2)} s`);
