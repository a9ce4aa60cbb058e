export { default as AI } from './commands/index.js';
export {
  type AIModules,
  type AIRedisClient,
  type ModelSetInput,
  type ModelStoreInput,
  type ModelkvClientOptions,
  ModelkvClient,
  createModelkvClient,
} from './client.js';
export { Dag, type DagOptions, type DagReply, type DagRequest, type DagScriptRun, type DagStep, type DagStepReply } from './dag.js';
export { DTYPES, type DType, type NumericDType, type TensorTypedArray, type TypedArrayOf, dtypeSize, isDType } from './dtype.js';
export * from './errors.js';
export { decodeStrings, encodeStrings } from './tensor-codec.js';
export { AI_TYPE_MAPPING } from './type-mapping.js';
export type * from './types.js';
