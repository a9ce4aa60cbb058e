import { backend } from './onnx-backend.js';

export { backend };
export default backend;
