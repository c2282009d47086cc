/**
 * The wallet (layer 8): keystore in the data directory, coin selection, building and signing P2PKH,
 * P2PK and CC inputs, change, and fees from the chain's minimum relay fee. See docs/wallet.md.
 */
export { WALLET_RPC_ERRORS, WalletErrorCode, walletError } from './errors.ts';
export type { WalletError } from './errors.ts';
export { MAX_DERIVATION_INDEX, WALLET_KEY_TAG, deriveWalletKey } from './derive.ts';
export { keyP2pkScript, keyP2pkhScript, keyWif, makeWalletKey, parseImportKey, publicInfo } from './keys.ts';
export type { KeyOrigin, ParsedImportKey, WalletKey, WalletKeyInfo } from './keys.ts';
export { ownedScript } from './scripts.ts';
export type { OwnedScript } from './scripts.ts';
export { MAX_LABEL_LENGTH, WALLET_FILE_NAME, WALLET_FORMAT, WALLET_FORMAT_VERSION, decodeWalletData, encodeWalletData } from './walletFile.ts';
export type { StoredKey, WalletData } from './walletFile.ts';
export { WALLET_FILE_MODE, lockWalletFile, nodeFsOps, writeFileAtomic } from './fileIo.ts';
export type { WalletFsOps, WalletLock } from './fileIo.ts';
export { Keystore } from './keystore.ts';
export type { ImportKeyResult, InMemoryKeystoreOptions, OpenKeystoreOptions, OwnedScriptMatch } from './keystore.ts';
export { addressKeysOf, balancesOf, confirmationsOf, listWalletCoins } from './coins.ts';
export type { CoinSnapshot, CoinSource, CoinStatus, ListCoinsOptions, SourceCoin, WalletAddressKey, WalletBalances, WalletCoin, WalletCoins } from './coins.ts';
export { MemoryCoinSource, indexCoinSource } from './coinSources.ts';
export type { IndexCoinSourceDeps, MempoolCoinQueries } from './coinSources.ts';
export { BNB_MAX_TRIES, selectCoins } from './select.ts';
export type { SelectionCandidate, SelectionParams, SelectionResult } from './select.ts';
export { MAX_SIG_WITH_HASHTYPE, inputSize, outputSize, p2pkScriptSigMax, p2pkhScriptSigMax, txSize } from './size.ts';
export { addressScript, dataOutputScript, resolveOutputs } from './outputs.ts';
export type { OutputContext, OutputRequest, ResolvedOutput } from './outputs.ts';
export { ownedScriptSigMax, signOwnedInput } from './sign.ts';
export type { CcInputSigner } from './sign.ts';
export { selfCheck } from './check.ts';
export type { SelfCheckContext } from './check.ts';
export { buildTransaction } from './build.ts';
export type { BuildContext, BuildRequest, BuiltTransaction, FixedInput, WalletChainParams } from './request.ts';
export { Wallet } from './wallet.ts';
export type { ListUnspentOptions, SendOptions, WalletOptions } from './wallet.ts';
export { ccInputSigner, walletCcSigner } from './ccSigner.ts';
export type { CcSignerOptions } from './ccSigner.ts';
