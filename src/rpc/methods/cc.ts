/**
 * `decodeccopret`: the eval code, module and function id of a module's OP_RETURN (CC.md B10). The
 * fields after the function id are the module's own; they are returned as hex.
 */
import { opretPayload } from '../../cc/sdk/opret.ts';
import { toHex } from '../../util/bytes.ts';
import { defineMethod } from '../method.ts';
import type { AnyMethod } from '../method.ts';
import type { NodeContext } from './context.ts';
import { nodeRpcError } from './errors.ts';

/** The CC utility methods of a node. */
export function ccMethods(node: NodeContext): AnyMethod[] {
  return [
    defineMethod({
      name: 'decodeccopret',
      summary: "Decodes a module's OP_RETURN script: eval code, module, function id and the field bytes.",
      category: 'Util',
      params: [{ name: 'scriptpubkey', type: 'hex', minBytes: 1, description: 'The OP_RETURN output script (hex), as in vout[].scriptPubKey.hex' }],
      result: { description: '{eval_code, eval_code_hex, module (null when no module of the chain has the code), funcid, fields_hex}' },
      example: { params: ['6a0ae4463132333435363738'], result: { eval_code: 228, eval_code_hex: '0xe4', module: 'faucet', funcid: 'F', fields_hex: '3132333435363738' } },
      errors: [{ code: 'rpc/BAD_OPRET', rpc: 'RPC_INVALID_PARAMETER', description: 'not an OP_RETURN with one push of eval code, function id and fields' }],
      handler: ({ scriptpubkey }) => {
        const p = opretPayload(scriptpubkey);
        if (!p.ok) throw nodeRpcError('rpc/BAD_OPRET', `Invalid parameter 'scriptpubkey': ${p.error.message}`, { param: 'scriptpubkey' });
        const payload = p.value;
        const evalCode = payload[0]!;
        const module = node.modules.find((m) => m.evalCode === evalCode);
        return {
          eval_code: evalCode,
          eval_code_hex: `0x${evalCode.toString(16).padStart(2, '0')}`,
          module: module?.name ?? null,
          funcid: String.fromCharCode(payload[1]!),
          fields_hex: toHex(payload.subarray(2)),
        };
      },
    }),
  ];
}
