import type { Device } from '@modelkv/core';
import type { NativeDevice } from './addon.js';

/** modelkv device names (`CPU`, `GPU:n`) for the devices libtensorflow lists. */
export function modelkvDevices(listed: readonly NativeDevice[]): string[] {
  const gpus = listed
    .filter((d) => d.type === 'GPU')
    .map((d) => Number(/:(\d+)$/.exec(d.name)?.[1] ?? Number.NaN))
    .filter((i) => Number.isInteger(i))
    .sort((a, b) => a - b);
  return ['CPU', ...gpus.map((i) => `GPU:${i}`)];
}

/**
 * The device a graph's nodes are placed on when they name none themselves. CPU is named too, so
 * that a GPU build of libtensorflow does not move a CPU model onto a GPU.
 */
export function placement(device: Device): string {
  return device.kind === 'GPU' ? `/device:GPU:${device.index}` : '/device:CPU:0';
}
