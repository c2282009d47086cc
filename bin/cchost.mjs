#!/usr/bin/env -S node --max-semi-space-size=32
// The `cchost` command. Sources are TypeScript, run through tsx (a runtime dependency). The shebang's
// V8 flags are src/node/runtimeFlags.ts's NODE_RUNTIME_FLAGS (a test keeps the two equal).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
