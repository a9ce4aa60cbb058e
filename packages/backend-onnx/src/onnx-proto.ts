import { ProtoError } from '@modelkv/core';

// Field numbers of onnx/onnx.proto (IR version 10), for the readers of ModelProtos here.
export const MODEL_GRAPH = 7;
export const MODEL_TRAINING_INFO = 20;
export const MODEL_FUNCTIONS = 25;
export const TRAINING_INITIALIZATION = 1;
export const TRAINING_ALGORITHM = 2;
export const GRAPH_NODE = 1;
export const GRAPH_INITIALIZER = 5;
export const GRAPH_OUTPUT = 12;
export const GRAPH_SPARSE_INITIALIZER = 15;
export const NODE_INPUT = 1;
export const NODE_OUTPUT = 2;
export const NODE_NAME = 3;
export const NODE_OP_TYPE = 4;
export const NODE_ATTRIBUTE = 5;
export const NODE_DOMAIN = 7;
export const VALUE_INFO_NAME = 1;
export const VALUE_INFO_TYPE = 2;
export const TYPE_TENSOR_TYPE = 1;
export const TENSOR_TYPE_ELEM_TYPE = 1;
export const FUNCTION_NAME = 1;
export const FUNCTION_NODE = 7;
export const FUNCTION_DOMAIN = 10;
export const ATTRIBUTE_T = 5;
export const ATTRIBUTE_G = 6;
export const ATTRIBUTE_TENSORS = 10;
export const ATTRIBUTE_GRAPHS = 11;
export const ATTRIBUTE_SPARSE_TENSOR = 22;
export const ATTRIBUTE_SPARSE_TENSORS = 23;
export const SPARSE_VALUES = 1;
export const SPARSE_INDICES = 2;
export const TENSOR_NAME = 8;
export const TENSOR_EXTERNAL_DATA = 13;
export const TENSOR_DATA_LOCATION = 14;
export const ENTRY_KEY = 1;
export const ENTRY_VALUE = 2;
export const DATA_LOCATION_EXTERNAL = 1;
/** TensorProto.DataType.FLOAT. */
export const ELEM_TYPE_FLOAT = 1;

/** Runs `read` over a blob, turning a protobuf parse failure into the backend's ERR for it. */
export function readModelProto<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ProtoError) throw new Error(`not an ONNX model: protobuf parsing failed (${err.message})`);
    throw err;
  }
}
