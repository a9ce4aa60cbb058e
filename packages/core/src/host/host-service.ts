import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Backend, ModelHandle, ScriptHandle } from '../backend.js';
import { importBackend, initBackend } from '../backend-loader.js';
import { parseDevice } from '../device.js';
import { ReplyError, oneLine } from '../errors.js';
import type { LogLevel } from '../logger.js';
import { Tensor } from '../tensor.js';
import { socketOnFd } from './channel.js';
import { encodeFailure } from './failure.js';
import { type Frame, FrameReader, FrameWriter } from './frames.js';
import { HeadReader, HeadWriter, ProtocolError } from './head.js';
import { HostRunQueue } from './host-runs.js';
import { type HelloMessage, Msg, encodeLog, encodeText } from './protocol.js';
import { type RunRequest, decodeRun, encodeResult } from './run-messages.js';

type Loaded =
  | { readonly kind: 'model'; readonly handle: ModelHandle; readonly device: string }
  | { readonly kind: 'script'; readonly handle: ScriptHandle; readonly device: string };

/** The server is trusted: these limits only keep a broken stream from allocating without bound. */
const LIMITS = { maxHead: 256 * 1024 * 1024, maxSection: Number.MAX_SAFE_INTEGER, maxSections: 0xffff, maxTotal: Number.MAX_SAFE_INTEGER };

/**
 * The backend process's side: imports one backend (the Hello frame says which), then serves
 * loads, runs and releases for the server over the channel. Handles are numbered by the server.
 */
export class HostService {
  private readonly writer: FrameWriter;
  private readonly socket: Socket;
  private backend: Backend | undefined;
  private hello: HelloMessage | undefined;
  private readonly handles = new Map<number, Loaded>();
  private readonly queues = new Map<string, HostRunQueue>();
  /** Which queue a run waits in, until it starts. */
  private readonly waitingRuns = new Map<number, HostRunQueue>();

  constructor(fd: number) {
    const reader = new FrameReader(LIMITS, (f) => {
      this.onFrame(f);
    });
    this.socket = socketOnFd(fd, reader, (err) => {
      this.fatal(`malformed message from the server: ${String(err)}`);
    });
    this.writer = new FrameWriter(this.socket);
    // The server closing the channel (or going away) ends this process.
    this.socket.on('close', () => process.exit(0));
    this.socket.on('error', () => undefined);
  }

  log(level: LogLevel, message: string): void {
    this.writer.send(Msg.Log, 0, encodeLog(level, oneLine(message)));
  }

  /** A request that could not even be read: the stream is not to be trusted any more. */
  private readonly malformed = (err: unknown): void => {
    this.fatal(err instanceof Error ? err.message : String(err));
  };

  private fatal(message: string): never {
    process.stderr.write(`modelkv backend process: ${message}\n`);
    process.exit(70);
  }

  private onFrame(f: Frame): void {
    try {
      switch (f.type) {
        case Msg.Hello:
          this.start(f).catch(this.malformed);
          return;
        case Msg.LoadModel:
        case Msg.CompileScript:
          this.load(f).catch(this.malformed);
          return;
        case Msg.Run:
          this.run(f);
          return;
        case Msg.Cancel:
          this.cancel(f.id);
          return;
        case Msg.Release:
          this.release(f);
          return;
        default:
          throw new ProtocolError(`unknown message type ${f.type}`);
      }
    } catch (err) {
      this.fatal(err instanceof Error ? err.message : String(err));
    }
  }

  private async start(f: Frame): Promise<void> {
    const r = new HeadReader(f.head);
    const hello = r.json('hello') as HelloMessage;
    r.end();
    this.hello = hello;
    let backend: Backend;
    try {
      backend = await importBackend(hello.name as Backend['name'], hello.entry);
      await initBackend(backend, backend.name, hello.path, hello.config);
      const reason = backend.unavailableReason;
      const ready = {
        version: backend.version,
        devices: [...backend.devices()],
        ...(typeof reason === 'string' ? { unavailableReason: reason } : {}),
        scripts: typeof backend.compileScript === 'function',
      };
      this.backend = backend;
      this.writer.send(Msg.Ready, f.id, new HeadWriter().json(ready).done());
    } catch (err) {
      this.writer.send(Msg.InitFailed, f.id, encodeText(err instanceof Error ? err.message : String(err)));
    }
  }

  private requireBackend(): Backend {
    if (!this.backend) throw new ProtocolError('request before the backend was loaded');
    return this.backend;
  }

  private async load(f: Frame): Promise<void> {
    const backend = this.requireBackend();
    const r = new HeadReader(f.head);
    const handleId = r.u32('handle');
    const options = r.json('options') as {
      device: string;
      inputs?: string[];
      outputs?: string[];
      nonTensorOutputs?: 'skip' | 'tensor';
      entryPoints?: string[];
    };
    r.end();
    const data = f.sections[0];
    if (!data || f.sections.length !== 1) throw new ProtocolError('a load carries one section');
    try {
      const device = parseDevice(options.device);
      let loaded: Loaded;
      let reply: Record<string, unknown>;
      if (f.type === Msg.LoadModel) {
        const handle = await backend.loadModel(data, {
          device,
          inputs: options.inputs ?? [],
          outputs: options.outputs ?? [],
          ...(options.nonTensorOutputs ? { nonTensorOutputs: options.nonTensorOutputs } : {}),
        });
        loaded = { kind: 'model', handle, device: options.device };
        reply = { inputNames: handle.inputNames, outputNames: handle.outputNames };
      } else {
        if (!backend.compileScript) throw new ReplyError(`the loaded ${backend.name} backend does not support scripts`);
        const entryPoints = options.entryPoints ?? [];
        const handle = await backend.compileScript(data.toString('utf8'), { device, ...(entryPoints.length > 0 ? { entryPoints } : {}) });
        loaded = { kind: 'script', handle, device: options.device };
        reply = { functionNames: handle.functionNames };
      }
      this.handles.set(handleId, loaded);
      this.writer.send(Msg.Loaded, f.id, new HeadWriter().json(reply).done());
    } catch (err) {
      this.writer.send(Msg.Failed, f.id, encodeFailure(err));
    }
  }

  private run(f: Frame): void {
    const hello = this.hello;
    if (!hello) throw new ProtocolError('run before hello');
    const request = decodeRun(f);
    const loaded = this.handles.get(request.handle);
    if (!loaded) {
      this.writer.send(Msg.Failed, f.id, encodeFailure(new ReplyError('the model or script is not loaded in the backend process')));
      return;
    }
    let queue = this.queues.get(loaded.device);
    if (!queue) {
      queue = new HostRunQueue(Math.max(1, hello.threadsPerQueue));
      this.queues.set(loaded.device, queue);
    }
    this.waitingRuns.set(f.id, queue);
    queue.push({
      id: f.id,
      start: () => {
        this.waitingRuns.delete(f.id);
        return this.execute(f, loaded, request, hello.maxTensorBytes);
      },
    });
  }

  private async execute(f: Frame, loaded: Loaded, request: RunRequest, maxBytes: number): Promise<void> {
    const { fn, outputCount, timeoutMs, entryPoint } = request;
    const t0 = performance.now();
    try {
      const inputs = request.inputs.map((m, i) => Tensor.fromBlob(m.dtype, m.shape, f.sections[i]!, maxBytes));
      const options = timeoutMs > 0 ? { timeoutMs } : {};
      let outputs: unknown;
      if (loaded.kind === 'model') outputs = await loaded.handle.run(inputs, outputCount, options);
      else if (!entryPoint) outputs = await loaded.handle.run(fn, inputs, outputCount, options);
      else {
        if (!loaded.handle.runEntryPoint) throw new ReplyError('the loaded TORCH backend cannot call entry points');
        outputs = await loaded.handle.runEntryPoint(fn, { tensors: inputs, ...entryPoint }, outputCount, options);
      }
      const durationUs = (performance.now() - t0) * 1000;
      if (!Array.isArray(outputs)) throw new ReplyError('the backend returned no list of output tensors');
      // A model's output that is not a tensor comes back as null (ModelOptions.nonTensorOutputs).
      const checked = (outputs as unknown[]).map((t) => (t === null && loaded.kind === 'model' ? null : outputTensor(t)));
      for (const out of checked) {
        if (out && out.data.length > maxBytes) throw new ReplyError(`output tensor of ${out.data.length} bytes exceeds the limit`);
      }
      const { head, sections } = encodeResult(durationUs, checked);
      this.writer.send(Msg.Result, f.id, head, sections);
    } catch (err) {
      this.writer.send(Msg.Failed, f.id, encodeFailure(err));
    }
  }

  private cancel(id: number): void {
    const queue = this.waitingRuns.get(id);
    if (queue?.cancel(id)) {
      this.waitingRuns.delete(id);
      this.writer.send(Msg.Dropped, id, Buffer.alloc(0));
    }
  }

  private release(f: Frame): void {
    const r = new HeadReader(f.head);
    const handleId = r.u32('handle');
    r.end();
    const loaded = this.handles.get(handleId);
    if (!loaded) return;
    this.handles.delete(handleId);
    Promise.resolve()
      .then(() => loaded.handle.release())
      .catch((err: unknown) => {
        this.log('warning', `releasing a ${loaded.kind} failed: ${err instanceof Error ? err.message : String(err)}`);
      });
  }
}

/** Checks what a backend returned as an output tensor (it may come from another copy of core). */
function outputTensor(t: unknown): { dtype: Tensor['dtype']; shape: readonly number[]; data: Uint8Array } {
  if (typeof t !== 'object' || t === null) throw new ReplyError('the backend returned an output that is not a tensor');
  const { dtype, shape, data } = t as { dtype?: unknown; shape?: unknown; data?: unknown };
  if (typeof dtype !== 'string' || !Array.isArray(shape) || !(data instanceof Uint8Array)) {
    throw new ReplyError('the backend returned an output that is not a tensor');
  }
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
      throw new ReplyError(`the backend returned an output of shape [${shape.join(', ')}]`);
  }
  return { dtype: dtype as Tensor['dtype'], shape: shape as number[], data };
}
