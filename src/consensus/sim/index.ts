/** The deterministic consensus simulator (CONSENSUS.md §5.12). */
export { runSimulation, simGenesis, simName } from './simulation.ts';
export type { CrashPoint, SimOptions, SimReport } from './simulation.ts';
export { SimDisk } from './disk.ts';
export type { LogEntry, PersistPoint, Recovered, Stored, SurvivingFiles } from './disk.ts';
export { ADVERSARIAL, Network, SYNCHRONOUS } from './network.ts';
export type { NetProfile } from './network.ts';
export { SimNode, isHonest } from './node.ts';
export type { Behaviour, Msg, NodeEnv, Payload, ProducerStrategy, RecoveryRecord } from './node.ts';
export { Prng } from './prng.ts';
export { EventQueue } from './queue.ts';
export { SimKeys } from './simScheme.ts';
export { World } from './world.ts';
export type { AuditedVote, BlockInfo, Violation } from './world.ts';
export { maxFaulty, quorum, quorumOverlap } from '../params.ts';
export { legacyLag } from './legacy.ts';
export type { LegacyLag } from './legacy.ts';
