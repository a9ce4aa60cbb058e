/**
 * A latency histogram with the layout and percentile rule of HdrHistogram's C implementation
 * as Redis 7 uses it for `INFO latencystats` (2 significant digits, values in nanoseconds from 1),
 * so the percentiles read the same. Recording is a few arithmetic operations and one array
 * increment; the counts array is allocated with the histogram.
 *
 * Values are clamped into [1, MAX_NS]. Redis clamps at 1 s; model runs often take longer, so
 * this one tracks up to 100 s.
 */
export const MIN_NS = 1;
export const MAX_NS = 100_000_000_000;

/** Sub-buckets per bucket: 2 significant digits need 2 * 10^2 distinct values, rounded up to 256. */
const SUB_BUCKET_COUNT = 256;
const SUB_BUCKET_HALF_COUNT = SUB_BUCKET_COUNT / 2;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
const TWO_POW_32 = 2 ** 32;
/** 2^i, looked up rather than computed on the recording path. */
const POW2 = Float64Array.from({ length: 64 }, (_, i) => 2 ** i);

function bucketCountFor(max: number): number {
  let smallestUntrackable = SUB_BUCKET_COUNT;
  let buckets = 1;
  while (smallestUntrackable <= max) {
    smallestUntrackable *= 2;
    buckets++;
  }
  return buckets;
}

const COUNTS_LENGTH = (bucketCountFor(MAX_NS) + 1) * SUB_BUCKET_HALF_COUNT;

/** Number of bits needed for a whole number below 2^53. */
function bitLength(v: number): number {
  return v < TWO_POW_32 ? 32 - Math.clz32(v) : 64 - Math.clz32(Math.floor(v / TWO_POW_32));
}

function bucketIndex(value: number): number {
  // A value below 256 has the bit length of the mask: bucket 0.
  return bitLength(value < SUB_BUCKET_COUNT ? SUB_BUCKET_MASK : value) - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
}

function subBucketIndex(value: number, bucket: number): number {
  return Math.floor(value / POW2[bucket]!);
}

function countsIndex(value: number): number {
  const bucket = bucketIndex(value);
  return ((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (subBucketIndex(value, bucket) - SUB_BUCKET_HALF_COUNT);
}

/** The smallest value that shares `value`'s slot. */
export function lowestEquivalentValue(value: number): number {
  const bucket = bucketIndex(value);
  return subBucketIndex(value, bucket) * POW2[bucket]!;
}

/** The largest value that shares `value`'s slot. */
export function highestEquivalentValue(value: number): number {
  const bucket = bucketIndex(value);
  const sub = subBucketIndex(value, bucket);
  const range = POW2[sub >= SUB_BUCKET_COUNT ? bucket + 1 : bucket]!;
  return sub * POW2[bucket]! + range - 1;
}

function valueAtIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return sub * POW2[bucket]!;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(COUNTS_LENGTH);
  private total = 0;

  get totalCount(): number {
    return this.total;
  }

  /** Records one value in nanoseconds (clamped into [MIN_NS, MAX_NS], rounded to a whole number). */
  record(ns: number): void {
    const v = ns < MIN_NS ? MIN_NS : ns > MAX_NS ? MAX_NS : Math.round(ns);
    this.counts[countsIndex(v)]!++;
    this.total++;
  }

  /**
   * The value at a percentile (0 to 100) as hdr_value_at_percentile gives it: the highest value
   * equivalent to the recorded value at rank round(p% of the count), at least 1; at 0, the
   * lowest equivalent value. 0 when nothing was recorded.
   */
  valueAtPercentile(percentile: number): number {
    const p = Math.min(percentile, 100);
    const rank = Math.max(1, Math.floor((p / 100) * this.total + 0.5));
    let seen = 0;
    for (let i = 0; i < COUNTS_LENGTH; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const v = valueAtIndex(i);
        return percentile === 0 ? lowestEquivalentValue(v) : highestEquivalentValue(v);
      }
    }
    return 0;
  }
}
