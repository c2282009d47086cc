/**
 * Public surface of the RPC layer: declare methods, build a table, serve it, call it.
 * Example: `const rpc = await startRpcServer({ table: createMethodTable(methods), datadir, port })`.
 */
export { defineMethod } from './method.ts';
export type { AnyMethod, MethodDef, MethodError, MethodExample, ParamSpec, ParamType, ParamsOf, RestRoute, RpcContext } from './method.ts';
export { createMethodTable, restRoutes, RPC_TABLE_INVALID } from './table.ts';
export type { MethodTable, MethodTableOptions } from './table.ts';
export { RPC_CODES, RPC_ERRORS, rpcError, toRpcFailure } from './errors.ts';
export type { RpcCode, RpcErrorDataField, RpcErrorName, RpcFailure } from './errors.ts';
export { callMethod, dispatchJsonRpc, dispatchValue, runMethod } from './dispatch.ts';
export type { DispatchOptions, DispatchReply } from './dispatch.ts';
export { buildRpcServer, startRpcServer, RPC_BAD_CONFIG, RPC_START_FAILED } from './server.ts';
export type { RpcServerOptions, RunningRpcServer, StartRpcServerOptions } from './server.ts';
export { cookiePath, readCookie } from './auth.ts';
export type { RpcAuth, RpcCredential } from './auth.ts';
export { createRpcClient, RpcClientError } from './client.ts';
export type { RpcClient, RpcClientOptions } from './client.ts';
export { runRpcCli, RPC_CLI_USAGE } from './cli.ts';
export type { RpcCliDefaults, RpcCliIo } from './cli.ts';
export { renderRpcMarkdown } from './docs.ts';
export { methodHelp, helpIndex } from './help.ts';
export { stringifyJson } from './json.ts';
export * from './defaults.ts';
