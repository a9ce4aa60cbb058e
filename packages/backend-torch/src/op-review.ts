import type { TorchRegistry } from './addon.js';
import {
  ALLOWED_CLASSES,
  ALLOWED_NAMESPACES,
  ALLOWED_PRIM,
  CUSTOM_CLASS_PREFIX,
  REFUSED_CLASSES,
  REFUSED_NAMESPACES,
  REFUSED_PRIM,
  refusal,
} from './op-policy.js';

/** The safe-op policy held against what libtorch registers (scripts/torch-ops.mjs prints it). */
export interface PolicyReview {
  /** Operators, node kinds, namespaces and custom classes the policy's lists do not mention. */
  readonly unclassified: readonly string[];
  /** Every registered operator (by name) the policy refuses, with why. */
  readonly refused: readonly (readonly [string, string])[];
  /** aten operators taking a `str`, the kind that could name a file: the deny-list's review. */
  readonly atenWithStrings: readonly string[];
  readonly operatorCount: number;
}

const opName = (schema: string): string => schema.slice(0, schema.indexOf('(')).split('.')[0]!;

export function reviewRegistry(registry: TorchRegistry): PolicyReview {
  const unclassified = new Set<string>();
  const refused = new Map<string, string>();
  const atenWithStrings = new Set<string>();
  const names = new Set([...registry.operators.map(opName), ...registry.nodeKinds]);
  for (const name of names) {
    const [ns = '', op = ''] = name.split('::');
    if (ns === 'prim' && !ALLOWED_PRIM.has(op) && !(op in REFUSED_PRIM)) unclassified.add(name);
    if (!ALLOWED_NAMESPACES.has(ns) && !(ns in REFUSED_NAMESPACES)) unclassified.add(`${ns}::`);
    const why = refusal(name);
    if (why !== undefined) refused.set(name, why);
  }
  for (const schema of registry.operators) {
    if (schema.startsWith('aten::') && /[(,]\s*str\??\s/.test(schema)) atenWithStrings.add(opName(schema));
  }
  for (const schema of registry.customClassMethods) {
    for (const m of schema.matchAll(/__torch__\.torch\.classes\.([\w.]+)/g)) {
      const cls = m[1]!;
      if (!ALLOWED_CLASSES.has(cls) && !(cls in REFUSED_CLASSES)) unclassified.add(CUSTOM_CLASS_PREFIX + cls);
    }
  }
  return {
    unclassified: [...unclassified].sort(),
    refused: [...refused].sort(([a], [b]) => a.localeCompare(b)),
    atenWithStrings: [...atenWithStrings].sort(),
    operatorCount: registry.operators.length,
  };
}
