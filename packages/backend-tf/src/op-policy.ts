import { ProtoError, ProtoReader, WireType, unsafeOpError } from '@modelkv/core';
import { graphOps } from './graph-ops.js';
import { ALLOWED_OPS, REASONS, REFUSED_OPS } from './op-list.js';

/*
 * The TF backend's safe-op policy. Its lists are src/op-list.ts, generated from TensorFlow's op
 * registry by scripts/make-op-policy.py (the rules are in the script): an allow-list of the ops
 * that compute (math, nn, array, control flow, random, string, image, ...), every other
 * registered op refused with its reason. While `--allow-unsafe-ops` is `no` (the default), a
 * GraphDef is read here before libtensorflow parses it, and refused when any node, of the graph
 * or of a function in its library, or any function attribute, names an op outside the
 * allow-list. Functions the library defines may be called: their own nodes are checked.
 */

/** Why `op` is refused, or undefined when a graph may use it. */
export function refusal(op: string): string | undefined {
  if (ALLOWED_OPS.has(op)) return undefined;
  const reason = REFUSED_OPS.get(op);
  return reason === undefined
    ? "it is not an op of the TensorFlow this server runs, nor a function of the graph's library"
    : REASONS[reason];
}

/** Throws the ERR for the first use the policy refuses; any other blob passes to libtensorflow as it is. */
export function checkGraphDef(graphDef: Uint8Array): void {
  let ops;
  try {
    ops = graphOps(graphDef);
  } catch (err) {
    if (err instanceof ProtoError) throw new Error(`not a TensorFlow GraphDef: Invalid GraphDef (${err.message})`);
    throw err;
  }
  for (const use of ops.uses) {
    if (ops.functions.has(use.op)) continue;
    const why = refusal(use.op);
    if (why === undefined) continue;
    const node = use.node === '' ? 'a gradient of the library' : `${use.called ? 'called by node' : 'node'} '${use.node}'`;
    const where = use.function === undefined ? node : `${node} of function '${use.function}'`;
    throw unsafeOpError(`op '${use.op}' (${where})`, why);
  }
}

/** The op names in a serialized OpList (`NativeAddon.registeredOps()`), for reviewing the lists. */
export function opListNames(opList: Uint8Array): string[] {
  const names: string[] = [];
  const list = new ProtoReader(opList);
  while (list.next()) {
    if (list.field !== 1 || list.wireType !== WireType.LEN) {
      list.skip();
      continue;
    }
    const op = list.message();
    while (op.next()) {
      if (op.field === 1 && op.wireType === WireType.LEN) names.push(op.string());
      else op.skip();
    }
  }
  return names;
}
