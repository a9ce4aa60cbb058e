export { backend, backend as default } from './backend.js';
