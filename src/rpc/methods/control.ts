/** Control methods: stop and uptime (help is built into every method table). */
import { defineMethod } from '../method.ts';
import type { AnyMethod } from '../method.ts';
import type { NodeContext } from './context.ts';

/** The control methods of a node. */
export function controlMethods(node: NodeContext): AnyMethod[] {
  return [
    defineMethod({
      name: 'stop',
      summary: 'Stops the node: the reply is sent first, then everything closes in order and the process exits.',
      category: 'Control',
      allowInWarmup: true,
      params: [],
      result: { description: 'A confirmation string', schema: { type: 'string' } },
      example: { params: [], result: 'cchost server stopping' },
      handler: () => {
        node.requestStop();
        return 'cchost server stopping';
      },
    }),
    defineMethod({
      name: 'uptime',
      summary: 'Returns the seconds since the node started.',
      category: 'Control',
      allowInWarmup: true,
      params: [],
      result: { description: 'Seconds', schema: { type: 'integer' } },
      example: { params: [], result: 3600 },
      handler: () => Math.floor((Date.now() - node.startedAtMs) / 1000),
    }),
  ];
}
