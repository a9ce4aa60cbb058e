import { ProtoReader, WireType } from '@modelkv/core';

/** One use of an op in a GraphDef: a node of that type, or a function attribute naming it. */
export interface GraphOpUse {
  readonly op: string;
  /** The node's name; empty for a gradient function the library names. */
  readonly node: string;
  /** The library function the node belongs to; absent for the graph's own nodes. */
  readonly function?: string;
  /** True when the op is named by a function attribute (`While`'s body, `PartitionedCall`'s f). */
  readonly called?: boolean;
}

export interface GraphOps {
  readonly uses: readonly GraphOpUse[];
  /** Names of the functions the graph's library defines: calling them runs their nodes. */
  readonly functions: ReadonlySet<string>;
}

// Field numbers of tensorflow/core/framework/{graph,node_def,function,attr_value,op_def}.proto.
const GRAPH_NODE = 1;
const GRAPH_LIBRARY = 2;
const NODE_NAME = 1;
const NODE_OP = 2;
const NODE_ATTR = 5;
const LIBRARY_FUNCTION = 1;
const LIBRARY_GRADIENT = 2;
const LIBRARY_REGISTERED_GRADIENT = 3;
const FUNCTION_SIGNATURE = 1;
const FUNCTION_NODE = 3;
const OPDEF_NAME = 1;
const GRADIENT_FUNCTION = 2;
const REGISTERED_GRADIENT_FUNCTION = 1;
const ENTRY_VALUE = 2;
const ATTR_LIST = 1;
const ATTR_FUNC = 10;
const LIST_FUNC = 9;
const NAME_ATTR_LIST_NAME = 1;
const NAME_ATTR_LIST_ATTR = 2;

/**
 * Every op a serialized GraphDef uses, read with core's bounds-checked protobuf reader before
 * libtensorflow sees the bytes: the type of each node, of the graph and of every function in its
 * library (the bodies While, If and PartitionedCall run), and every op or function named by a
 * function attribute, at any depth. Repeated occurrences of a singular field (where protobuf
 * keeps the last) are all reported. Throws ProtoError for bytes that are not a protobuf message.
 */
export function graphOps(graphDef: Uint8Array): GraphOps {
  const uses: GraphOpUse[] = [];
  const functions = new Set<string>();
  const graph = new ProtoReader(graphDef);
  while (graph.next()) {
    if (graph.field === GRAPH_NODE && graph.wireType === WireType.LEN) readNode(graph.message(), uses);
    else if (graph.field === GRAPH_LIBRARY && graph.wireType === WireType.LEN) readLibrary(graph.message(), uses, functions);
    else graph.skip();
  }
  return { uses, functions };
}

function readLibrary(library: ProtoReader, uses: GraphOpUse[], functions: Set<string>): void {
  while (library.next()) {
    if (library.wireType !== WireType.LEN) {
      library.skip();
    } else if (library.field === LIBRARY_FUNCTION) {
      readFunction(library.message(), uses, functions);
    } else if (library.field === LIBRARY_GRADIENT || library.field === LIBRARY_REGISTERED_GRADIENT) {
      const wanted = library.field === LIBRARY_GRADIENT ? GRADIENT_FUNCTION : REGISTERED_GRADIENT_FUNCTION;
      const gradient = library.message();
      while (gradient.next()) {
        if (gradient.field === wanted && gradient.wireType === WireType.LEN) uses.push({ op: gradient.string(), node: '', called: true });
        else gradient.skip();
      }
    } else {
      library.skip();
    }
  }
}

function readFunction(fn: ProtoReader, uses: GraphOpUse[], functions: Set<string>): void {
  const names: string[] = [];
  const nodes: ProtoReader[] = [];
  while (fn.next()) {
    if (fn.field === FUNCTION_SIGNATURE && fn.wireType === WireType.LEN) {
      const signature = fn.message();
      while (signature.next()) {
        if (signature.field === OPDEF_NAME && signature.wireType === WireType.LEN) names.push(signature.string());
        else signature.skip();
      }
    } else if (fn.field === FUNCTION_NODE && fn.wireType === WireType.LEN) {
      nodes.push(fn.message());
    } else {
      fn.skip();
    }
  }
  for (const name of names) functions.add(name);
  for (const node of nodes) readNode(node, uses, names.join('/'));
}

function readNode(node: ProtoReader, uses: GraphOpUse[], inFunction?: string): void {
  let name = '';
  const ops: string[] = [];
  const called: string[] = [];
  while (node.next()) {
    if (node.wireType !== WireType.LEN) node.skip();
    else if (node.field === NODE_NAME) name = node.string();
    else if (node.field === NODE_OP) ops.push(node.string());
    else if (node.field === NODE_ATTR) readAttrEntry(node.message(), called);
    else node.skip();
  }
  const where = inFunction === undefined ? {} : { function: inFunction };
  for (const op of ops) uses.push({ op, node: name, ...where });
  for (const op of called) uses.push({ op, node: name, ...where, called: true });
}

/** A map<string, AttrValue> entry: the function names its value holds go to `called`. */
function readAttrEntry(entry: ProtoReader, called: string[]): void {
  while (entry.next()) {
    if (entry.field === ENTRY_VALUE && entry.wireType === WireType.LEN) readAttrValue(entry.message(), called);
    else entry.skip();
  }
}

function readAttrValue(value: ProtoReader, called: string[]): void {
  while (value.next()) {
    if (value.wireType !== WireType.LEN) {
      value.skip();
    } else if (value.field === ATTR_FUNC) {
      readNameAttrList(value.message(), called);
    } else if (value.field === ATTR_LIST) {
      const list = value.message();
      while (list.next()) {
        if (list.field === LIST_FUNC && list.wireType === WireType.LEN) readNameAttrList(list.message(), called);
        else list.skip();
      }
    } else {
      value.skip();
    }
  }
}

function readNameAttrList(func: ProtoReader, called: string[]): void {
  while (func.next()) {
    if (func.wireType !== WireType.LEN) func.skip();
    else if (func.field === NAME_ATTR_LIST_NAME) called.push(func.string());
    else if (func.field === NAME_ATTR_LIST_ATTR) readAttrEntry(func.message(), called);
    else func.skip();
  }
}
