/**
 * A worker thread that owns one onnxruntime session. onnxruntime-node's `run` and session
 * creation are synchronous native calls on the calling thread, so they happen here, never on
 * the server's JS thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { coreDType, typedView } from './ort-types.js';
import type { WireTensor, WorkerReply, WorkerRequest, WorkerStart } from './wire.js';

const port = parentPort;
if (!port) throw new Error('session-worker.js must run in a worker thread');

const start = workerData as WorkerStart;
ort.env.logLevel = 'fatal';

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

/**
 * The outputs onnxruntime-node can hand back: tensors. The others (ONNX-ML sequences of maps,
 * say) are not fetched at all, since asking for one fails the whole run.
 */
function tensorOutputs(session: ort.InferenceSession): string[] {
  return session.outputMetadata.filter((m) => m.isTensor).map((m) => m.name);
}

async function run(session: ort.InferenceSession, fetches: readonly string[], id: number, inputs: readonly WireTensor[]): Promise<void> {
  try {
    if (inputs.length !== session.inputNames.length) {
      throw new Error(`model expects ${session.inputNames.length} inputs, got ${inputs.length}`);
    }
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, i) => {
      feeds[name] = toOrt(inputs[i]!);
    });
    const results = await session.run(feeds, [...fetches]);
    const transfer: ArrayBuffer[] = [];
    const outputs = session.outputNames.map((name) => (name in results ? fromOrt(name, results[name]!, transfer) : null));
    reply({ kind: 'ran', id, outputs }, transfer);
  } catch (err) {
    reply({ kind: 'run-failed', id, message: errorText(err) });
  }
}

async function serve(): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(new Uint8Array(start.blob), {
      ...start.settings,
      executionProviders: [...start.settings.executionProviders],
      logSeverityLevel: 4,
    });
  } catch (err) {
    reply({ kind: 'load-failed', message: errorText(err) });
    // Closing the port leaves the thread nothing to wait for, so it ends once the reply is out.
    port!.close();
    return;
  }
  reply({ kind: 'loaded', inputNames: session.inputNames, outputNames: session.outputNames });
  const fetches = tensorOutputs(session);
  // Runs are chained so that a release waits for the runs posted before it.
  let queue = Promise.resolve();
  port!.on('message', (request: WorkerRequest) => {
    if (request.kind === 'run') {
      queue = queue.then(() => run(session, fetches, request.id, request.inputs));
    } else {
      queue = queue
        .then(() => session.release())
        .finally(() => {
          port!.close();
        });
    }
  });
}

await serve();
