/**
 * The few fields of TensorFlow's ConfigProto (tensorflow/core/protobuf/config.proto) the backend
 * sets, encoded by hand: a protobuf runtime for five varints would be a heavy dependency.
 */
export interface SessionConfig {
  /** ConfigProto.intra_op_parallelism_threads (field 2); 0 leaves TF's default. */
  readonly intraOpThreads: number;
  /** ConfigProto.inter_op_parallelism_threads (field 5); 0 leaves TF's default. */
  readonly interOpThreads: number;
  /** ConfigProto.gpu_options (field 6) .allow_growth (field 4): take GPU memory as needed. */
  readonly gpuAllowGrowth: boolean;
  /** ConfigProto.allow_soft_placement (field 7): ops without a kernel for the device run on CPU. */
  readonly allowSoftPlacement: boolean;
}

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** Serializes the config; fields in ascending number order, as protobuf writers emit them. */
export function encodeConfigProto(config: SessionConfig): Buffer {
  const out: number[] = [];
  if (config.intraOpThreads > 0) varintField(out, 2, config.intraOpThreads);
  if (config.interOpThreads > 0) varintField(out, 5, config.interOpThreads);
  if (config.gpuAllowGrowth) {
    const gpuOptions: number[] = [];
    varintField(gpuOptions, 4, 1);
    tag(out, 6, LENGTH_DELIMITED);
    varint(out, gpuOptions.length);
    out.push(...gpuOptions);
  }
  if (config.allowSoftPlacement) varintField(out, 7, 1);
  return Buffer.from(out);
}

function varintField(out: number[], field: number, value: number): void {
  tag(out, field, VARINT);
  varint(out, value);
}

function tag(out: number[], field: number, wireType: number): void {
  varint(out, field * 8 + wireType);
}

function varint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a varint`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}
