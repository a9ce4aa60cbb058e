import type { ModelSetArgs, ScriptSetArgs } from './engine.js';
import type { StoredValue } from './keyspace.js';
import type { Tensor } from './tensor.js';

/**
 * What a stored value is made of, without what the engine derives from it (backend handles,
 * statistics): what persistence writes and what `Engine.restore` takes back. A field added to
 * models or scripts is added here and in `recordOf`, and the codecs carry it.
 */
export type ValueRecord =
  | { readonly kind: 'tensor'; readonly tensor: Tensor }
  | { readonly kind: 'model'; readonly model: ModelSetArgs }
  | { readonly kind: 'script'; readonly script: ScriptSetArgs };

export function recordOf(value: StoredValue): ValueRecord {
  switch (value.kind) {
    case 'tensor':
      return value.tensor;
    case 'model':
      return {
        kind: 'model',
        model: {
          backend: value.backend,
          device: value.device,
          tag: value.tag,
          batching: value.batching,
          inputs: value.inputs,
          outputs: value.outputs,
          blob: value.blob,
        },
      };
    case 'script':
      return {
        kind: 'script',
        script: { device: value.device, tag: value.tag, entryPoints: value.entryPoints, source: value.source },
      };
  }
}
