import { loadAddon } from './addon.js';
import { TfBackend } from './backend.js';

export { TfBackend } from './backend.js';
export { type SessionConfig, encodeConfigProto } from './config-proto.js';
export { TfModel } from './model.js';

/** The backend object the server's loader picks up (`--loadbackend TF <path>`). */
export const backend = new TfBackend(await loadAddon());
export default backend;
