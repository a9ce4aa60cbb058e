import { ProtoReader, ProtoWriter, WireType } from '@modelkv/core';
import {
  ELEM_TYPE_FLOAT,
  GRAPH_NODE,
  GRAPH_OUTPUT,
  MODEL_GRAPH,
  NODE_DOMAIN,
  NODE_INPUT,
  NODE_OP_TYPE,
  NODE_OUTPUT,
  TENSOR_TYPE_ELEM_TYPE,
  TYPE_TENSOR_TYPE,
  VALUE_INFO_NAME,
  VALUE_INFO_TYPE,
  readModelProto,
} from './onnx-proto.js';

/*
 * `--non-tensor-outputs tensor` (ModelOptions.nonTensorOutputs) for ONNX models. onnxruntime-node
 * cannot hand back sequences or maps, but one kind has a clear tensor form: the output of an
 * ONNX-ML ZipMap node, seq(map(int64|string, float)), is made from a float tensor of
 * probabilities, [N, classes] (or [classes]), whose columns are the maps' keys in the order of
 * the ZipMap's classlabels. Each graph output that a main-graph ZipMap makes is replaced, in
 * the same position, by that input, declared as a float tensor; the graph is otherwise left as
 * it is. Any other non-tensor output stays one (and is skipped).
 */

/** The model with its ZipMap outputs replaced by the ZipMaps' inputs; `blob` itself when it has none. */
export function zipMapInputsAsOutputs(blob: Uint8Array): Uint8Array {
  return readModelProto(() => {
    const zipMaps = findZipMaps(blob);
    if (zipMaps.size === 0) return blob;
    const model = new ProtoReader(blob);
    const out = new ProtoWriter();
    while (model.next()) {
      if (model.field === MODEL_GRAPH && model.wireType === WireType.LEN) out.message(MODEL_GRAPH, rewriteGraph(model.message(), zipMaps));
      else out.raw(model.raw());
    }
    return out.finish();
  });
}

/**
 * Main-graph ZipMaps whose output is a graph output: output name -> input name. protobuf merges
 * a repeated `graph` field into one graph, so every occurrence is read.
 */
function findZipMaps(blob: Uint8Array): Map<string, string> {
  const zipMaps = new Map<string, string>();
  const outputs = new Set<string>();
  const model = new ProtoReader(blob);
  while (model.next()) {
    if (model.field !== MODEL_GRAPH || model.wireType !== WireType.LEN) {
      model.skip();
      continue;
    }
    const graph = model.message();
    while (graph.next()) {
      if (graph.wireType !== WireType.LEN) graph.skip();
      else if (graph.field === GRAPH_NODE) readZipMap(graph.message(), zipMaps);
      else if (graph.field === GRAPH_OUTPUT) outputs.add(valueInfoName(graph.message()));
      else graph.skip();
    }
  }
  for (const name of zipMaps.keys()) if (!outputs.has(name)) zipMaps.delete(name);
  return zipMaps;
}

function readZipMap(node: ProtoReader, zipMaps: Map<string, string>): void {
  const inputs: string[] = [];
  const outputs: string[] = [];
  let opType = '';
  let domain = '';
  while (node.next()) {
    if (node.wireType !== WireType.LEN) node.skip();
    else if (node.field === NODE_INPUT) inputs.push(node.string());
    else if (node.field === NODE_OUTPUT) outputs.push(node.string());
    else if (node.field === NODE_OP_TYPE) opType = node.string();
    else if (node.field === NODE_DOMAIN) domain = node.string();
    else node.skip();
  }
  // A ZipMap has exactly one input and one output; anything else is left for onnxruntime to refuse.
  if (opType === 'ZipMap' && domain === 'ai.onnx.ml' && inputs.length === 1 && outputs.length === 1 && outputs[0] !== '') {
    zipMaps.set(outputs[0]!, inputs[0]!);
  }
}

/** A ValueInfoProto's name: the last one, as protobuf keeps the last value of a repeated singular field. */
function valueInfoName(info: ProtoReader): string {
  let name = '';
  while (info.next()) {
    if (info.field === VALUE_INFO_NAME && info.wireType === WireType.LEN) name = info.string();
    else info.skip();
  }
  return name;
}

function rewriteGraph(graph: ProtoReader, zipMaps: ReadonlyMap<string, string>): ProtoWriter {
  const out = new ProtoWriter();
  while (graph.next()) {
    const input = graph.field === GRAPH_OUTPUT && graph.wireType === WireType.LEN ? zipMaps.get(valueInfoName(graph.message())) : undefined;
    if (input === undefined) out.raw(graph.raw());
    else out.message(GRAPH_OUTPUT, floatTensorInfo(input));
  }
  return out;
}

/** ValueInfoProto { name, type: { tensor_type: { elem_type: FLOAT } } }: a float tensor of any shape. */
function floatTensorInfo(name: string): ProtoWriter {
  const tensorType = new ProtoWriter().varint(TENSOR_TYPE_ELEM_TYPE, ELEM_TYPE_FLOAT);
  const type = new ProtoWriter().message(TYPE_TENSOR_TYPE, tensorType);
  return new ProtoWriter().string(VALUE_INFO_NAME, name).message(VALUE_INFO_TYPE, type);
}
