/**
 * A pool worker: a worker thread that owns several onnxruntime sessions. onnxruntime-node's
 * session creation and `run` are synchronous native calls on the calling thread, so they happen
 * here, one at a time in the order requested, never on the server's JS thread.
 */
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { coreDType, typedView } from './ort-types.js';
import type { WireTensor, WorkerReply, WorkerRequest } from './wire.js';

const port = parentPort;
if (!port) throw new Error('session-worker.js must run in a worker thread');

ort.env.logLevel = 'fatal';
const sessions = new Map<number, ort.InferenceSession>();
/** Each session's outputs that are fetched: its tensors. */
const fetched = new Map<number, readonly string[]>();

/**
 * The outputs onnxruntime-node can hand back: tensors. The others (ONNX-ML sequences of maps,
 * say) are not fetched at all, since asking for one fails the whole run. Each is fetched once,
 * though a rewritten model (zipmap-outputs.ts) may declare a tensor twice as an output.
 */
function tensorOutputs(session: ort.InferenceSession): string[] {
  return [...new Set(session.outputMetadata.filter((m) => m.isTensor).map((m) => m.name))];
}

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function toOrt(wire: WireTensor): ort.Tensor {
  if (wire.type === 'string') return new ort.Tensor('string', wire.data as string[], wire.dims);
  const bytes = wire.data as ArrayBuffer;
  return new ort.Tensor(wire.type, typedView(wire.type, bytes, 0, bytes.byteLength), wire.dims);
}

function fromOrt(name: string, value: ort.Tensor, transfer: ArrayBuffer[]): WireTensor {
  if (coreDType(value.type) === undefined) {
    throw new Error(`model output '${name}' has type ${value.type}, which modelkv tensors cannot hold`);
  }
  const dims = [...value.dims];
  if (value.type === 'string') return { type: 'string', dims, data: value.data };
  const view = value.data as ArrayBufferView;
  let bytes = view.buffer;
  if (view.byteOffset !== 0 || view.byteLength !== bytes.byteLength || transfer.includes(bytes)) {
    bytes = bytes.slice(view.byteOffset, view.byteOffset + view.byteLength);
  }
  transfer.push(bytes);
  return { type: value.type as WireTensor['type'], dims, data: bytes };
}

function session(id: number): ort.InferenceSession {
  const s = sessions.get(id);
  if (!s) throw new Error('the ONNX session has been released');
  return s;
}

async function handle(request: WorkerRequest): Promise<void> {
  try {
    switch (request.kind) {
      case 'load': {
        const s = await ort.InferenceSession.create(new Uint8Array(request.blob), {
          ...request.settings,
          executionProviders: [...request.settings.executionProviders],
          logSeverityLevel: 4,
        });
        sessions.set(request.session, s);
        fetched.set(request.session, tensorOutputs(s));
        reply({ kind: 'loaded', id: request.id, inputNames: s.inputNames, outputNames: s.outputNames });
        return;
      }
      case 'run': {
        const s = session(request.session);
        if (request.inputs.length !== s.inputNames.length) {
          throw new Error(`model expects ${s.inputNames.length} inputs, got ${request.inputs.length}`);
        }
        const feeds: Record<string, ort.Tensor> = {};
        s.inputNames.forEach((name, i) => {
          feeds[name] = toOrt(request.inputs[i]!);
        });
        const results = await s.run(feeds, [...(fetched.get(request.session) ?? s.outputNames)]);
        const transfer: ArrayBuffer[] = [];
        const outputs = s.outputNames.map((name) => (name in results ? fromOrt(name, results[name]!, transfer) : null));
        reply({ kind: 'ran', id: request.id, outputs }, transfer);
        return;
      }
      case 'release': {
        const s = sessions.get(request.session);
        sessions.delete(request.session);
        fetched.delete(request.session);
        await s?.release();
        reply({ kind: 'released', id: request.id });
        return;
      }
    }
  } catch (err) {
    reply({ kind: 'failed', id: request.id, message: errorText(err) });
  }
}

// Requests are served in order, so that a release waits for the runs posted before it.
let queue = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(() => handle(request));
});
