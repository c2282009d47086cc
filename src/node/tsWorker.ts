/**
 * Starts a worker thread whose entry is a TypeScript file. cchost runs its sources through tsx, and a
 * worker does not inherit the loader the main thread registered (`bin/cchost.mjs` calls tsx's
 * `register()`; `execArgv: ['--import', 'tsx']` does not reach a worker's entry on Node 20). So the
 * worker starts from a two-line bootstrap that registers tsx inside the worker, then imports the
 * entry.
 */
import { Worker } from 'node:worker_threads';

const TSX_API = import.meta.resolve('tsx/esm/api');

/**
 * A worker running `entry` (a file URL of a .ts module). Example:
 * `startTsWorker(new URL('./verifyWorker.ts', import.meta.url), { spec })`.
 */
export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const boot = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
