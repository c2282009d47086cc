/**
 * The script layer's public API: opcodes, reader, builders, script numbers, flags, error names, the
 * interpreter, legacy sighash, signature checkers and the crypto-conditions hook interface.
 */
export * from './opcodes.ts';
export * from './reader.ts';
export * from './builder.ts';
export * from './num.ts';
export * from './flags.ts';
export * from './errors.ts';
export * from './sigencoding.ts';
export * from './scriptcode.ts';
export * from './sighash.ts';
export * from './tx.ts';
export * from './checker.ts';
export * from './cc.ts';
export * from './interpreter.ts';
