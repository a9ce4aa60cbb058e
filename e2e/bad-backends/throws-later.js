// A backend that, once asked to load a model, throws from a callback of its own: an exception
// nothing can catch, which the server must log before exiting non-zero.
export const backend = {
  name: 'TF',
  interfaceVersion: 1,
  version: '0.0.0',
  devices: () => ['CPU'],
  loadModel: async () => {
    setImmediate(() => {
      throw new Error('stray failure in a backend callback');
    });
    return { inputNames: ['a'], outputNames: ['b'], run: async () => [], release: () => undefined };
  },
};
