import { BACKEND_INTERFACE_VERSION, type Backend, Tensor } from '@modelkv/core';

/** A model that doubles its input; a `gated` one finishes its runs only when the test opens the gate. */
export function gatedBackend(): { backend: Backend; open: () => void } {
  let opened: () => void = () => undefined;
  let gate = new Promise<void>((r) => (opened = r));
  const backend: Backend = {
    name: 'ONNX',
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    version: 'gated-1',
    devices: () => ['CPU'],
    loadModel(blob) {
      const gatedRuns = blob.toString() === 'gated';
      return Promise.resolve({
        async run(inputs) {
          if (gatedRuns) await gate;
          const x = inputs[0]!;
          return [
            Tensor.fromArray(
              'FLOAT',
              x.shape,
              (x.values() as number[]).map((v) => v * 2),
            ),
          ];
        },
        release: () => undefined,
      });
    },
  };
  return {
    backend,
    open: () => {
      opened();
      gate = new Promise<void>((r) => (opened = r));
    },
  };
}
