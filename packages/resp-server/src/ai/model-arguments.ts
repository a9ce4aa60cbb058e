import { BACKEND_NAMES } from '@modelkv/core';
import { type CommandArgument, oneOfTokens } from '../command-args.js';

/**
 * COMMAND DOCS of what AI.MODELSET and AI.MODELSTORE share: `key backend device [TAG t]
 * [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT ms]]]`. `since`: when MODELSET got TAG and batching.
 */
export function modelHeadArguments(since?: string): CommandArgument[] {
  return [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    oneOfTokens('backend', BACKEND_NAMES),
    { name: 'device', type: 'string' },
    { name: 'tag', type: 'string', token: 'TAG', optional: true, since },
    {
      name: 'batching',
      type: 'block',
      optional: true,
      since,
      arguments: [
        { name: 'batchsize', type: 'integer', token: 'BATCHSIZE' },
        {
          name: 'min-batching',
          type: 'block',
          optional: true,
          arguments: [
            { name: 'minbatchsize', type: 'integer', token: 'MINBATCHSIZE' },
            { name: 'minbatchtimeout', type: 'integer', token: 'MINBATCHTIMEOUT', optional: true },
          ],
        },
      ],
    },
  ];
}

/** `WORD n item...` (AI.MODELSTORE's node names, AI.SCRIPTSTORE's entry points). */
export function countedArgument(name: string, token: string, item: string, optional: boolean): CommandArgument {
  return {
    name,
    type: 'block',
    token,
    optional,
    arguments: [
      { name: `${item}-count`, type: 'integer' },
      { name: item, type: 'string', multiple: true },
    ],
  };
}
