/**
 * The node's RPC method table: chain, raw transactions, mempool, address index, CC utilities, wallet
 * and control methods, each a factory over a `NodeContext` (testable without a server), plus the
 * RPC methods of every registered module (flat names, also at `POST /v1/modules/<module>/<method>`).
 */
import type { Module } from '../../cc/host/module.ts';
import { MAX_MONEY } from '../../chain/params.ts';
import type { AnyMethod } from '../method.ts';
import { createMethodTable } from '../table.ts';
import type { MethodTable } from '../table.ts';
import { addressMethods } from './address.ts';
import { ccMethods } from './cc.ts';
import { chainMethods } from './chain.ts';
import type { NodeContext } from './context.ts';
import { controlMethods } from './control.ts';
import { NODE_ERROR_MAP } from './errors.ts';
import { finalityMethods } from './finality.ts';
import { mempoolMethods } from './mempool.ts';
import { rawTxMethods } from './rawtx.ts';
import { walletMethods } from './wallet.ts';

export type { LibInfo, ModuleInfo, NodeContext, NodeStoreReader, TipInfo } from './context.ts';
export type { FinalityNodeContext, FinalitySnapshot, FinalityStatsView, FinalityView, ParticipationView, PeerView, PercentilesView } from './finalityView.ts';
export { certificateJson, commitCertificateFor, finalityJson } from './finality.ts';
export { NODE_ERROR_MAP, NODE_RPC_CODES, nodeRpcError } from './errors.ts';
export type { NodeRpcCode } from './errors.ts';
export { coins, satsNumber } from './amount.ts';
export { scriptToAsm, scriptTypeName, scriptPubKeyJson } from './script.ts';
export { txJson } from './txJson.ts';
export { antelopeTime } from './chain.ts';

/** Every built-in method of a node (no module methods), in help order. */
export function nodeMethods(node: NodeContext): AnyMethod[] {
  return [
    ...chainMethods(node),
    ...finalityMethods(node),
    ...mempoolMethods(node),
    ...rawTxMethods(node),
    ...addressMethods(node),
    ...ccMethods(node),
    ...walletMethods(node),
    ...controlMethods(node),
  ];
}

/** A module's RPC methods, each tagged with the module's REST name (mounted at `/v1/modules/<name>/<method>`). */
export function moduleMethods(modules: readonly Module[]): AnyMethod[] {
  return modules.flatMap((m) => m.rpc.map((def) => ({ ...(def as AnyMethod), module: def.module ?? m.name })));
}

/**
 * The node's method table: built-in methods, then the modules' (a module method named like a
 * built-in one makes the table refuse to build, naming it). `wrap` may decorate every method (the node
 * logs untyped handler exceptions with their stack through it).
 */
export function nodeMethodTable(node: NodeContext, modules: readonly Module[] = [], wrap: (m: AnyMethod) => AnyMethod = (m) => m): MethodTable {
  return createMethodTable([...nodeMethods(node), ...moduleMethods(modules)].map(wrap), { maxMoney: MAX_MONEY, errorMap: NODE_ERROR_MAP });
}
