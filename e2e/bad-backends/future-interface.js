// A backend written for an interface version this server does not speak.
export default {
  name: 'TF',
  interfaceVersion: 999,
  version: '0.0.0',
  devices: () => ['CPU'],
  loadModel: async () => {
    throw new Error('never called');
  },
};
