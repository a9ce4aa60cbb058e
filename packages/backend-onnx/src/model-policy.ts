import { ProtoReader, WireType, unsafeOpError } from '@modelkv/core';
import {
  ATTRIBUTE_G,
  ATTRIBUTE_GRAPHS,
  ATTRIBUTE_SPARSE_TENSOR,
  ATTRIBUTE_SPARSE_TENSORS,
  ATTRIBUTE_T,
  ATTRIBUTE_TENSORS,
  DATA_LOCATION_EXTERNAL,
  ENTRY_KEY,
  ENTRY_VALUE,
  FUNCTION_DOMAIN,
  FUNCTION_NAME,
  FUNCTION_NODE,
  GRAPH_INITIALIZER,
  GRAPH_NODE,
  GRAPH_SPARSE_INITIALIZER,
  MODEL_FUNCTIONS,
  MODEL_GRAPH,
  MODEL_TRAINING_INFO,
  NODE_ATTRIBUTE,
  NODE_DOMAIN,
  NODE_NAME,
  NODE_OP_TYPE,
  SPARSE_INDICES,
  SPARSE_VALUES,
  TENSOR_DATA_LOCATION,
  TENSOR_EXTERNAL_DATA,
  TENSOR_NAME,
  TRAINING_ALGORITHM,
  TRAINING_INITIALIZATION,
  readModelProto,
} from './onnx-proto.js';

/*
 * The ONNX backend's safe-op policy. While `--allow-unsafe-ops` is `no` (the default), a
 * ModelProto is read here before onnxruntime sees it, and refused when
 * - a tensor keeps its data in an external file (TensorProto.data_location EXTERNAL, or
 *   external_data entries): onnxruntime would read that path from the server's disk;
 * - a node's operator domain is not one onnxruntime implements itself: custom-op domains need a
 *   custom-op library, which this backend never registers (sessions are made only from
 *   session-settings.ts, whose options cannot name one).
 * Every graph is read: the main graph, subgraphs in node attributes (If, Loop, Scan) at any
 * depth, the model's local functions and its training graphs.
 */

/** Operator domains onnxruntime runs without a custom-op library: ONNX, ONNX-ML and its own contrib ops. */
export const ALLOWED_DOMAINS: ReadonlySet<string> = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft']);

interface Node {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
}

interface Findings {
  readonly nodes: Node[];
  /** `domain/name` of the model's local functions. */
  readonly functions: Set<string>;
}

/** Throws the ERR for the first thing the policy refuses; any other blob passes to onnxruntime as it is. */
export function checkOnnxModel(blob: Uint8Array): void {
  const findings: Findings = { nodes: [], functions: new Set() };
  readModelProto(() => {
    const model = new ProtoReader(blob);
    while (model.next()) {
      if (model.wireType !== WireType.LEN) model.skip();
      else if (model.field === MODEL_GRAPH) readGraph(model.message(), findings);
      else if (model.field === MODEL_FUNCTIONS) readFunction(model.message(), findings);
      else if (model.field === MODEL_TRAINING_INFO)
        readMessages(model.message(), [TRAINING_INITIALIZATION, TRAINING_ALGORITHM], readGraph, findings);
      else model.skip();
    }
  });
  for (const node of findings.nodes) {
    if (ALLOWED_DOMAINS.has(node.domain) || findings.functions.has(`${node.domain}/${node.opType}`)) continue;
    throw unsafeOpError(
      `op '${node.opType}' of domain '${node.domain}' (node '${node.name}')`,
      'onnxruntime runs ops of that domain only through a custom-op library (this server runs ai.onnx, ai.onnx.ml and com.microsoft ops)',
    );
  }
}

type Reader = (r: ProtoReader, f: Findings) => void;

function readMessages(r: ProtoReader, fields: readonly number[], read: Reader, findings: Findings): void {
  while (r.next()) {
    if (r.wireType === WireType.LEN && fields.includes(r.field)) read(r.message(), findings);
    else r.skip();
  }
}

function readGraph(graph: ProtoReader, findings: Findings): void {
  while (graph.next()) {
    if (graph.wireType !== WireType.LEN) graph.skip();
    else if (graph.field === GRAPH_NODE) readNode(graph.message(), findings);
    else if (graph.field === GRAPH_INITIALIZER) checkTensor(graph.message());
    else if (graph.field === GRAPH_SPARSE_INITIALIZER) readSparse(graph.message());
    else graph.skip();
  }
}

function readFunction(fn: ProtoReader, findings: Findings): void {
  let name = '';
  let domain = '';
  while (fn.next()) {
    if (fn.wireType !== WireType.LEN) fn.skip();
    else if (fn.field === FUNCTION_NAME) name = fn.string();
    else if (fn.field === FUNCTION_DOMAIN) domain = fn.string();
    else if (fn.field === FUNCTION_NODE) readNode(fn.message(), findings);
    else fn.skip();
  }
  findings.functions.add(`${domain}/${name}`);
}

function readNode(node: ProtoReader, findings: Findings): void {
  let name = '';
  let opType = '';
  const domains: string[] = [];
  while (node.next()) {
    if (node.wireType !== WireType.LEN) node.skip();
    else if (node.field === NODE_NAME) name = node.string();
    else if (node.field === NODE_OP_TYPE) opType = node.string();
    else if (node.field === NODE_DOMAIN) domains.push(node.string());
    else if (node.field === NODE_ATTRIBUTE) readAttribute(node.message(), findings);
    else node.skip();
  }
  // Every value a repeated singular field took is checked, whichever one protobuf keeps.
  for (const domain of domains.length > 0 ? domains : ['']) findings.nodes.push({ name, opType, domain });
}

function readAttribute(attribute: ProtoReader, findings: Findings): void {
  while (attribute.next()) {
    if (attribute.wireType !== WireType.LEN) attribute.skip();
    else if (attribute.field === ATTRIBUTE_T || attribute.field === ATTRIBUTE_TENSORS) checkTensor(attribute.message());
    else if (attribute.field === ATTRIBUTE_G || attribute.field === ATTRIBUTE_GRAPHS) readGraph(attribute.message(), findings);
    else if (attribute.field === ATTRIBUTE_SPARSE_TENSOR || attribute.field === ATTRIBUTE_SPARSE_TENSORS) readSparse(attribute.message());
    else attribute.skip();
  }
}

function readSparse(sparse: ProtoReader): void {
  while (sparse.next()) {
    if (sparse.wireType === WireType.LEN && (sparse.field === SPARSE_VALUES || sparse.field === SPARSE_INDICES))
      checkTensor(sparse.message());
    else sparse.skip();
  }
}

/** Refuses a tensor whose data lives in a file: data_location EXTERNAL, or any external_data entry. */
function checkTensor(tensor: ProtoReader): void {
  let name = '';
  let external = false;
  let location = '';
  while (tensor.next()) {
    if (tensor.field === TENSOR_DATA_LOCATION && tensor.wireType === WireType.VARINT) {
      if (tensor.varint() === DATA_LOCATION_EXTERNAL) external = true;
    } else if (tensor.field === TENSOR_NAME && tensor.wireType === WireType.LEN) {
      name = tensor.string();
    } else if (tensor.field === TENSOR_EXTERNAL_DATA && tensor.wireType === WireType.LEN) {
      external = true;
      const entry = tensor.message();
      let key = '';
      let value = '';
      while (entry.next()) {
        if (entry.field === ENTRY_KEY && entry.wireType === WireType.LEN) key = entry.string();
        else if (entry.field === ENTRY_VALUE && entry.wireType === WireType.LEN) value = entry.string();
        else entry.skip();
      }
      if (key === 'location') location = value;
    } else {
      tensor.skip();
    }
  }
  if (external) {
    throw unsafeOpError(
      `tensor '${name}' with external data${location ? ` ('${location}')` : ''}`,
      "onnxruntime would read its bytes from a file on the server's disk",
    );
  }
}
