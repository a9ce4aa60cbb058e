import { unsafeOpError } from '@modelkv/core';
import type { OpUse } from './addon.js';

/*
 * The TORCH backend's safe-op policy, in one place. While `--allow-unsafe-ops` is `no` (the
 * default), a model or script whose code uses an operator or libtorch custom class refused here
 * is refused at MODELSET / SCRIPTSET, before any of its code runs. The lists were reviewed
 * against what libtorch 1.13 registers (`node scripts/torch-ops.mjs` prints it, classified);
 * a test checks that every registered operator and node kind is classified.
 *
 * - prim:: (TorchScript's own node kinds and operators): an allow-list.
 * - aten:: (about 1,600 tensor operators, 3,600 overloads): a deny-list. Reviewing all of them
 *   by name with every libtorch release would be impractical; the few that reach the file
 *   system or change process-wide state are found by their schemas (a `str` argument naming a
 *   file, storage, seeds, global caches), which the review script lists.
 * - other namespaces: only the reviewed compute ones (quantized, sparse, prepacked kernels);
 *   c10d and any custom operator library are refused.
 * - custom classes (`__torch__.torch.classes.*`): only the packed-parameter classes of
 *   quantized and prepacked kernels.
 */

/** prim:: kinds that only compute, build values or steer control flow. */
export const ALLOWED_PRIM: ReadonlySet<string> = new Set([
  'AddStatValue',
  'Assign',
  'AutogradAdd',
  'AutogradAllNonZero',
  'AutogradAllZero',
  'AutogradAnyNonZero',
  'AutogradZero',
  'BailOut',
  'BailoutTemplate',
  'BreakStmt',
  'BroadcastMKLDNNTensors',
  'BroadcastSizes',
  'BroadcastingChunk',
  'CallFunction',
  'CallMethod',
  'ChunkSizes',
  'Closure',
  'ComprehensionScope',
  'Constant',
  'ConstantChunk',
  'ConstantMKLDNNTensor',
  'ContinueStmt',
  'CreateObject',
  'CudaFusionGroup',
  'CudaFusionGuard',
  'CudaFusionIvalGuard',
  'CudaFusionSizeEq',
  'CudaFusionViewGuard',
  'DictConstruct',
  'DifferentiableGraph',
  'Drop',
  'EmptyListLiteral',
  'Enter',
  'EnumName',
  'EnumValue',
  'Eval',
  'Exit',
  'Expand',
  'FallbackGraph',
  'FunctionalGraph',
  'FusedConcat',
  'FusionGroup',
  'GetAttr',
  'GradOf',
  'Guard',
  'HasAttr',
  'If',
  'IfThenElse',
  'Jump',
  'JumpNZ',
  'JumpZ',
  'LegacyTypedConstructor',
  'ListConstruct',
  'ListUnpack',
  'Load',
  'Loop',
  'LoopContinuation',
  'MKLDNNClamp',
  'MKLDNNClamp_',
  'MKLDNNGroup',
  'MKLDNNHardSigmoid',
  'MKLDNNHardSigmoid_',
  'MKLDNNHardSwish',
  'MKLDNNHardSwish_',
  'MKLDNNHardTanh',
  'MKLDNNHardTanh_',
  'MKLDNNLayerNorm',
  'MKLDNNLayerNorm_',
  'MKLDNNScalarMul',
  'MKLDNNScalarMul_',
  'MMBatchSide',
  'MMTreeReduce',
  'MakeTestTensor',
  'ModuleContainerIndex',
  'NumToTensor',
  'PackPadded',
  'PadPacked',
  'Param',
  'Placeholder',
  'RaiseException',
  'ReductionSizes',
  'RequiresGradCheck',
  'Return',
  'ReturnStmt',
  'Reverse',
  'SetAttr',
  'Starred',
  'StaticRuntimeCopyOuts',
  'StaticSubgraph',
  'Store',
  'StringIndex',
  'TensorExprDynamicGroup',
  'TensorExprDynamicGuard',
  'TensorExprGroup',
  'TimePoint',
  'TracedAttr',
  'TracedFork',
  'TracedModuleForward',
  'TupleConstruct',
  'TupleIndex',
  'TupleSlice',
  'TupleUnpack',
  'TypeCheck',
  'Uninitialized',
  'VarConcat',
  'VarStack',
  'With',
  'abs',
  'add_optional',
  'annotate',
  'data',
  'device',
  'dict',
  'dtype',
  'enumerate',
  'expand_as_copy',
  'expand_copy',
  'flatten_copy',
  'fork',
  'forkClosure',
  'grad',
  'id',
  'index',
  'infer_squeeze_size',
  'infer_unsqueeze_size',
  'is_cpu',
  'is_cuda',
  'is_ipu',
  'is_meta',
  'is_mkldnn',
  'is_mps',
  'is_nested',
  'is_ort',
  'is_quantized',
  'is_sparse',
  'is_sparse_csr',
  'is_vulkan',
  'is_xpu',
  'isinstance',
  'layout',
  'list',
  'max',
  'min',
  'mkldnn_convolution',
  'name',
  'oneDNNFusionGroup',
  'oneDNNFusionGuard',
  'profile',
  'profile_ivalue',
  'range',
  'rangelist',
  'requires_grad',
  'reshape_copy',
  'squeeze_copy',
  'tolist',
  'type',
  'unchecked_cast',
  'unchecked_unwrap_optional',
  'unsqueeze_copy',
  'view_copy',
  'zip',
]);

export const REFUSED_PRIM: Readonly<Record<string, string>> = {
  PythonOp: 'it calls Python',
  IgnoredPythonOp: 'it calls Python',
  Print: "it writes to the server's standard output",
  rpc_async: 'it calls other processes (torch.distributed.rpc)',
  rpc_sync: 'it calls other processes (torch.distributed.rpc)',
  rpc_remote: 'it calls other processes (torch.distributed.rpc)',
};

export const REFUSED_ATEN: Readonly<Record<string, string>> = {
  from_file: 'it maps a file into a tensor, which reads the file (and with shared=True writes it)',
  save: 'it writes files',
  manual_seed: 'it changes the random seed of the whole server',
  _cufft_set_plan_cache_max_size: "it changes the whole server's CUDA FFT plan cache",
  _cufft_clear_plan_cache: "it changes the whole server's CUDA FFT plan cache",
};

/** Namespaces of compute kernels libtorch registers besides aten and prim. */
export const ALLOWED_NAMESPACES: ReadonlySet<string> = new Set([
  'aten',
  'prim',
  'quantized',
  '_quantized',
  'quantization',
  'sparse',
  'prepacked',
  'mkldnn_prepacked',
  'modelkv', // this addon's own run-deadline check (native/deadline.h), placed in every loop
]);

export const REFUSED_NAMESPACES: Readonly<Record<string, string>> = {
  c10d: 'it communicates with other processes (torch.distributed)',
  profiler: "it records into the server's profiler",
  static_runtime: "it belongs to libtorch's static runtime, not to model code",
  onnx: 'it belongs to the ONNX exporter, not to model code',
  _test: "it is one of libtorch's test operators",
};

/** Custom classes (after `__torch__.torch.classes.`) that only hold prepacked weights. */
export const ALLOWED_CLASSES: ReadonlySet<string> = new Set([
  'quantized.Conv2dPackedParamsBase',
  'quantized.Conv3dPackedParamsBase',
  'quantized.EmbeddingPackedParamsBase',
  'quantized.LinearPackedParamsBase',
  'sparse.LinearPackedParamsBase',
  'rnn.CellParamsBase',
  'xnnpack.Conv2dOpContext',
  'xnnpack.LinearOpContext',
  'xnnpack.TransposeConv2dOpContext',
  'mkldnn.ConvOpContext',
]);

export const REFUSED_CLASSES: Readonly<Record<string, string>> = {
  'c10d.ProcessGroup': 'it communicates with other processes (torch.distributed)',
  'c10d.ReduceOp': 'it belongs to torch.distributed',
  'c10d.Work': 'it belongs to torch.distributed',
  '_nnapi.Compilation': "it drives Android's NNAPI",
  'backendutils.BackendDebugInfo': "it belongs to libtorch's delegated backends",
  'profiling.InstructionStats': "it reads the server's script profiler",
  'profiling.SourceRef': "it reads the server's script profiler",
  'profiling.SourceStats': "it reads the server's script profiler",
  'profiling._ScriptProfile': "it records into the server's script profiler",
  'profiler._RecordFunction': "it records into the server's profiler",
};

export const CUSTOM_CLASS_PREFIX = '__torch__.torch.classes.';

/** Why `op` (a node kind such as `aten::from_file`, or a custom class) is refused, or undefined. */
export function refusal(op: string): string | undefined {
  if (op.startsWith(CUSTOM_CLASS_PREFIX)) {
    const name = op.slice(CUSTOM_CLASS_PREFIX.length);
    if (ALLOWED_CLASSES.has(name)) return undefined;
    return REFUSED_CLASSES[name] ?? 'it is a libtorch custom class outside the reviewed ones';
  }
  const sep = op.indexOf('::');
  const ns = sep < 0 ? '' : op.slice(0, sep);
  const name = (sep < 0 ? op : op.slice(sep + 2)).split('.')[0]!;
  if (ns === 'prim') return ALLOWED_PRIM.has(name) ? undefined : (REFUSED_PRIM[name] ?? 'it is not one of the reviewed prim:: operations');
  if (ns === 'aten') return REFUSED_ATEN[name];
  if (ALLOWED_NAMESPACES.has(ns)) return undefined;
  return REFUSED_NAMESPACES[ns] ?? 'it is a custom operator outside the libtorch namespaces this server allows';
}

/** Throws the ERR for the first use the policy refuses. */
export function checkOps(uses: readonly OpUse[]): void {
  for (const use of uses) {
    const why = refusal(use.op);
    if (why === undefined) continue;
    const subject = use.op.startsWith(CUSTOM_CLASS_PREFIX) ? `class '${use.op}'` : `op '${use.op}'`;
    const where = use.function ? `function '${use.function}'` : "the model's data";
    throw unsafeOpError(`${subject} (in ${where})`, why);
  }
}
