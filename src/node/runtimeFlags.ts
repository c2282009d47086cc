/**
 * V8 settings a long-running node starts with. They cannot be changed once the process runs
 * (`v8.setFlagsFromString` does not resize a heap that exists), so every way of starting a node
 * passes them on the command line: the `cchost` shebang, `npm start`, and the devnet launcher.
 *
 * `--max-semi-space-size=32` (MiB; the default on 64-bit hosts is 16): accepting a transaction
 * allocates short-lived objects (the RPC request, the parsed transaction, its checks), and with a
 * larger young generation fewer of them survive a scavenge into the old generation, so the main
 * thread and the GC helper threads spend less CPU per transaction (docs/dev.md, Throughput, gives
 * the measured difference). The cost is up to 64 MiB more young-generation memory.
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=32']);

/** Whether this process started with every one of `NODE_RUNTIME_FLAGS` (argv or NODE_OPTIONS). */
export function runtimeFlagsActive(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env['NODE_OPTIONS'] ?? ''): boolean {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)]);
  return NODE_RUNTIME_FLAGS.every((f) => given.has(f));
}
