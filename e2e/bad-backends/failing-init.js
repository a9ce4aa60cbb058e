// A well-formed backend whose initialisation fails (as one missing its native library would).
export default {
  name: 'TF',
  interfaceVersion: 1,
  version: '0.0.0',
  init() {
    throw new Error('libexample.so: cannot open shared object file');
  },
  devices: () => ['CPU'],
  loadModel: async () => {
    throw new Error('never called');
  },
};
