/**
 * Entry of a verification worker thread (started by verifyPool.ts through tsWorker.ts). It receives
 * the chain spec once (`workerData.spec`), answers `{ready: true}` when loaded, then answers every
 * packed batch with its verdict bytes (verifyProtocol.ts). It holds no state between batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ChainSpec } from '../chain/spec/types.ts';
import { judgeJob } from './verifyJob.ts';
import { VERDICT_NOT_HANDLED, unpackBatch } from './verifyProtocol.ts';
import type { BatchVerdicts, PackedBatch } from './verifyProtocol.ts';

const port = parentPort;
if (port === null) throw new Error('verifyWorker.ts runs as a worker thread (see verifyPool.ts)');
const spec = (workerData as { spec: ChainSpec }).spec;

port.on('message', (batch: PackedBatch) => {
  const t0 = performance.now();
  const jobs = unpackBatch(batch);
  const verdicts = new Uint8Array(jobs.length);
  for (let i = 0; i < jobs.length; i++) {
    try {
      verdicts[i] = judgeJob(spec, jobs[i]!);
    } catch {
      verdicts[i] = VERDICT_NOT_HANDLED; // the node verifies it itself
    }
  }
  const answer: BatchVerdicts = { id: batch.id, verdicts, ms: performance.now() - t0 };
  port.postMessage(answer, [verdicts.buffer]);
});
port.postMessage({ ready: true });
