import { ProtoWriter } from '@modelkv/core';

/*
 * Small ONNX-ML classifiers written field by field with ProtoWriter (onnx/onnx.proto's numbers),
 * for the tests of the ZipMap rewrite: X FLOAT [N, 3] -> Softmax -> probabilities, whose ArgMax
 * is the label (INT64 [N]) and whose ZipMap (ai.onnx.ml, int64 class labels) is a sequence of
 * maps.
 */

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

export const CLASSES = [10, 20, 30];

type Type = ProtoWriter;

export const tensorType = (elemType: number, dims: readonly (number | string)[]): Type => {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().varint(1, d) : new ProtoWriter().string(2, d));
  return new ProtoWriter().message(1, new ProtoWriter().varint(1, elemType).message(2, shape));
};

/** tensor(float) of any shape: TypeProto { tensor_type { elem_type: FLOAT } }. */
export const floatTensorAnyShape = (): Type => new ProtoWriter().message(1, new ProtoWriter().varint(1, FLOAT));

export const sequenceOf = (elem: Type): Type => new ProtoWriter().message(4, new ProtoWriter().message(1, elem));

/** seq(map(int64, float)): what a ZipMap with int64 class labels makes. */
export const seqOfMaps = (): Type =>
  sequenceOf(new ProtoWriter().message(5, new ProtoWriter().varint(1, INT64).message(2, tensorType(FLOAT, []))));

export const valueInfo = (name: string, type: Type): ProtoWriter => new ProtoWriter().string(1, name).message(2, type);

interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly domain?: string;
  readonly ints?: Readonly<Record<string, number | readonly number[]>>;
}

export function node(spec: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of spec.inputs) w.string(1, i);
  for (const o of spec.outputs) w.string(2, o);
  w.string(3, spec.outputs[0] ?? spec.op).string(4, spec.op);
  for (const [name, value] of Object.entries(spec.ints ?? {})) {
    const a = new ProtoWriter().string(1, name);
    if (typeof value === 'number') a.varint(3, value).varint(20, ATTRIBUTE_INT);
    else {
      for (const v of value) a.varint(8, v);
      a.varint(20, ATTRIBUTE_INTS);
    }
    w.message(5, a);
  }
  if (spec.domain !== undefined) w.string(7, spec.domain);
  return w;
}

export interface ModelSpec {
  readonly nodes: readonly ProtoWriter[];
  readonly outputs: readonly ProtoWriter[];
}

export function model(spec: ModelSpec): Buffer {
  const graph = new ProtoWriter();
  for (const n of spec.nodes) graph.message(1, n);
  graph.string(2, 'classifier');
  graph.message(11, valueInfo('X', tensorType(FLOAT, ['N', 3])));
  for (const o of spec.outputs) graph.message(12, o);
  return new ProtoWriter()
    .varint(1, 8) // ir_version
    .string(2, 'modelkv-test')
    .message(8, new ProtoWriter().string(1, '').varint(2, 15))
    .message(8, new ProtoWriter().string(1, 'ai.onnx.ml').varint(2, 1))
    .message(7, graph)
    .finish();
}

export const softmax = node({ op: 'Softmax', inputs: ['X'], outputs: ['probabilities'], ints: { axis: 1 } });
export const argMax = node({ op: 'ArgMax', inputs: ['probabilities'], outputs: ['label'], ints: { axis: 1, keepdims: 0 } });
export const zipMap = (output = 'output_probability', domain = 'ai.onnx.ml'): ProtoWriter =>
  node({ op: 'ZipMap', inputs: ['probabilities'], outputs: [output], domain, ints: { classlabels_int64s: CLASSES } });
export const labelOut = valueInfo('label', tensorType(INT64, ['N']));
export const probabilityMapsOut = (name = 'output_probability'): ProtoWriter => valueInfo(name, seqOfMaps());

/** A classifier as skl2onnx makes one: outputs label, then the ZipMap's sequence of maps. */
export const classifier = (): Buffer => model({ nodes: [softmax, argMax, zipMap()], outputs: [labelOut, probabilityMapsOut()] });

/** Row-wise softmax in float64, the reference for the probabilities onnxruntime computes in float32. */
export function softmaxRows(x: Float32Array, columns: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / columns; r++) {
    const row = [...x.subarray(r * columns, (r + 1) * columns)];
    const max = Math.max(...row);
    const exps = row.map((v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    out.push(...exps.map((e) => e / sum));
  }
  return out;
}
