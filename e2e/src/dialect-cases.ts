// Every AI command and its errors, as steps run in order against a server in each compat mode
// (--redisai-compat 0.9 and 1.2), with the reply each mode must give. The same steps are sent by
// redis-cli (dialect-cli.test.ts) and by redis-py (dialect-redis-py.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsDir } from './fixtures.js';

/**
 * A reply in a form both clients can be compared on: a simple string `{ s }`, a bulk string as
 * text (or `{ hex }` when it is not printable UTF-8), an integer, `null`, an error `{ err }` (the
 * whole line, `ERR ...`), or an array. `{ int: 'any' }` accepts any integer (durations).
 */
export type Norm = string | number | null | { s: string } | { err: string } | { hex: string } | { int: 'any' } | Norm[];

/** A command: words, the last of which may be a file's bytes (sent by redis-cli with -x). */
export type Cmd = (string | { file: string })[];

export type Compat = '0.9' | '1.2';

/** What a step must answer: the same in both modes, or per mode. */
export type Want = Norm | { readonly modes: Readonly<Record<Compat, Norm>> };

export interface Step {
  readonly cmd: Cmd;
  readonly want: Want;
}

export interface DialectSection {
  readonly name: string;
  readonly steps: readonly Step[];
}

export function wanted(want: Want, compat: Compat): Norm {
  return want !== null && typeof want === 'object' && 'modes' in want ? want.modes[compat] : want;
}

const OK = { s: 'OK' };
const err = (text: string): Norm => ({ err: text });
const modes = (v09: Norm, v12: Norm): Want => ({ modes: { '0.9': v09, '1.2': v12 } });
const hex = (b: Buffer): Norm => ({ hex: b.toString('hex') });

export const ONNX_MUL = join(modelsDir('onnx'), 'tiny_mul.onnx');
export const TF_MUL = join(modelsDir('tf'), 'mul.pb');
const onnxBlob = (): Buffer => readFileSync(ONNX_MUL);

export const SCRIPT = 'def bar(a, b):\n    return a + b\n';
/** An entry point in 1.2's calling convention. */
export const ENTRY_SCRIPT =
  'def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] + tensors[1]\n\n' +
  'def helper(a):\n    return a\n';

const F1234 = Buffer.from(Float32Array.of(1, 2, 3, 4).buffer);
const META22 = ['dtype', 'FLOAT', 'shape', [2, 2]];
const VALUES = ['1', '2', '3', '4'];
const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');

/** The sections, built on first use (they read model files). */
export function dialectSections(): DialectSection[] {
  const onnx = onnxBlob();
  const modelMeta = (backend: string, tag: string, inputs: string[], outputs: string[], batch = [0, 0, 0]): Norm[] => [
    'backend',
    backend,
    'device',
    'CPU',
    'tag',
    tag,
    'batchsize',
    batch[0]!,
    'minbatchsize',
    batch[1]!,
    'inputs',
    inputs,
    'outputs',
    outputs,
    'minbatchtimeout',
    batch[2]!,
  ];
  return [
    {
      name: 'tensors',
      steps: [
        { cmd: ['AI.TENSORSET', 't', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3', '4'], want: OK },
        { cmd: ['AI.TENSORGET', 't', 'META'], want: modes([{ s: 'FLOAT' }, [2, 2]], META22) },
        { cmd: ['AI.TENSORGET', 't', 'VALUES'], want: modes([{ s: 'FLOAT' }, [2, 2], VALUES], VALUES) },
        { cmd: ['AI.TENSORGET', 't', 'BLOB'], want: modes([{ s: 'FLOAT' }, [2, 2], hex(F1234)], hex(F1234)) },
        { cmd: ['AI.TENSORGET', 't', 'META', 'VALUES'], want: [...META22, 'values', VALUES] },
        { cmd: ['AI.TENSORGET', 't', 'META', 'BLOB'], want: [...META22, 'blob', hex(F1234)] },
        { cmd: ['AI.TENSORGET', 't'], want: [...META22, 'blob', hex(F1234)] },
        { cmd: ['AI.TENSORGET', 't', 'BLOB', 'VALUES'], want: err('ERR both BLOB and VALUES specified') },
        { cmd: ['AI.TENSORGET', 't', 'JSON'], want: err('ERR unsupported data format') },
        { cmd: ['AI.TENSORGET', 't', 'META', 'BLOB', 'BLOB'], want: err("ERR wrong number of arguments for 'AI.TENSORGET' command") },
        {
          cmd: ['AI.TENSORGET', 'missing', 'BLOB'],
          want: modes(err('ERR cannot get tensor from empty key'), err('ERR tensor key is empty or in a different shard')),
        },
        { cmd: ['AI.TENSORSET', 'bad', 'FLOAT16', '1'], want: err('ERR invalid data type') },
        { cmd: ['AI.TENSORSET', 'bad', 'FLOAT', '-1'], want: err('ERR invalid or negative value found in tensor shape') },
        { cmd: ['AI.TENSORSET', 'bad', 'FLOAT', 'x'], want: err('ERR invalid or negative value found in tensor shape') },
        { cmd: ['AI.TENSORSET', 'bad', 'INT8', '1', 'VALUES', '300'], want: err('ERR invalid value') },
        { cmd: ['AI.TENSORSET', 'bad', 'FLOAT', '1', 'VALUES', 'one'], want: err('ERR invalid value') },
        { cmd: ['AI.TENSORSET', 'bad', 'FLOAT', '2', 'BLOB', 'abc'], want: err('ERR data length does not match tensor shape and type') },
        {
          cmd: ['AI.TENSORSET', 'bad', 'FLOAT', '2', 'VALUES', '1'],
          want: modes(
            err("ERR wrong number of arguments for 'AI.TENSORSET' command"),
            err("ERR wrong number of values was given in 'AI.TENSORSET' command"),
          ),
        },
        {
          cmd: ['AI.TENSORSET', 'bad', 'FLOAT', '1', 'BLOB'],
          want: modes(
            err("ERR wrong number of arguments for 'AI.TENSORSET' command"),
            err("ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command"),
          ),
        },
        { cmd: ['EXISTS', 'bad'], want: 0 },
      ],
    },
    {
      name: 'models',
      steps: [
        { cmd: ['AI.MODELSET', 'm', 'ONNX', 'CPU', { file: ONNX_MUL }], want: OK },
        {
          cmd: ['AI.MODELGET', 'm'],
          want: modes([{ s: 'ONNX' }, { s: 'CPU' }, hex(onnx)], [...modelMeta('ONNX', '', [], []), 'blob', hex(onnx)]),
        },
        { cmd: ['AI.MODELGET', 'm', 'META'], want: modelMeta('ONNX', '', [], []) },
        { cmd: ['AI.MODELGET', 'm', 'BLOB'], want: hex(onnx) },
        { cmd: ['AI.MODELGET', 'm', 'META', 'BLOB'], want: [...modelMeta('ONNX', '', [], []), 'blob', hex(onnx)] },
        // 0.9 accepted node names for other backends than TF and ignored them.
        { cmd: ['AI.MODELSET', 'named', 'ONNX', 'CPU', 'INPUTS', 'x', 'y', 'OUTPUTS', 'z', 'BLOB', { file: ONNX_MUL }], want: OK },
        { cmd: ['AI.MODELGET', 'named', 'META'], want: modelMeta('ONNX', '', [], []) },
        {
          cmd: [
            'AI.MODELSTORE',
            'ms',
            'ONNX',
            'CPU',
            'TAG',
            'v1',
            'BATCHSIZE',
            '4',
            'MINBATCHSIZE',
            '2',
            'MINBATCHTIMEOUT',
            '50',
            'BLOB',
            { file: ONNX_MUL },
          ],
          want: OK,
        },
        { cmd: ['AI.MODELGET', 'ms', 'META'], want: modelMeta('ONNX', 'v1', [], [], [4, 2, 50]) },
        {
          cmd: [
            'AI.MODELSTORE',
            'tfm',
            'TF',
            'CPU',
            'TAG',
            'mul:1',
            'INPUTS',
            '2',
            'a',
            'b',
            'OUTPUTS',
            '1',
            'c',
            'BLOB',
            { file: TF_MUL },
          ],
          want: OK,
        },
        { cmd: ['AI.MODELGET', 'tfm', 'META'], want: modelMeta('TF', 'mul:1', ['a', 'b'], ['c']) },
        {
          cmd: ['AI._MODELSCAN'],
          want: [
            ['m', ''],
            ['named', ''],
            ['ms', 'v1'],
            ['tfm', 'mul:1'],
          ],
        },
        {
          cmd: ['AI.MODELSTORE', 'x', 'TORCH', 'BLOB', { file: ONNX_MUL }],
          want: err("ERR wrong number of arguments for 'AI.MODELSTORE' command"),
        },
        { cmd: ['AI.MODELSTORE', 'x', 'PORCH', 'CPU', 'BLOB', { file: ONNX_MUL }], want: err('ERR unsupported backend') },
        { cmd: ['AI.MODELSTORE', 'x', 'ONNX', 'bad_device', 'BLOB', { file: ONNX_MUL }], want: err('ERR Invalid DEVICE') },
        {
          cmd: ['AI.MODELSTORE', 'x', 'ONNX', 'CPU', 'BATCHSIZE', 'bad', 'BLOB', { file: ONNX_MUL }],
          want: err('ERR Invalid argument for BATCHSIZE'),
        },
        {
          cmd: ['AI.MODELSTORE', 'x', 'ONNX', 'CPU', 'MINBATCHSIZE', '2', 'BLOB', { file: ONNX_MUL }],
          want: err('ERR MINBATCHSIZE specified without BATCHSIZE'),
        },
        {
          cmd: ['AI.MODELSTORE', 'x', 'ONNX', 'CPU', 'BATCHSIZE', '2', 'MINBATCHSIZE', 'bad', 'BLOB', { file: ONNX_MUL }],
          want: err('ERR Invalid argument for MINBATCHSIZE'),
        },
        {
          cmd: ['AI.MODELSTORE', 'x', 'ONNX', 'CPU', 'BATCHSIZE', '2', 'MINBATCHTIMEOUT', '1000', 'BLOB', { file: ONNX_MUL }],
          want: err('ERR MINBATCHTIMEOUT specified without MINBATCHSIZE'),
        },
        {
          cmd: [
            'AI.MODELSTORE',
            'x',
            'ONNX',
            'CPU',
            'BATCHSIZE',
            '2',
            'MINBATCHSIZE',
            '2',
            'MINBATCHTIMEOUT',
            'bad',
            'BLOB',
            { file: ONNX_MUL },
          ],
          want: err('ERR Invalid argument for MINBATCHTIMEOUT'),
        },
        {
          cmd: ['AI.MODELSTORE', 'x', 'ONNX', 'CPU', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c', 'BLOB', { file: ONNX_MUL }],
          want: err('ERR INPUTS argument should not be specified for this backend'),
        },
        { cmd: ['AI.MODELSTORE', 'x', 'ONNX', 'CPU', 'BATCHSIZE', '2'], want: err('ERR Insufficient arguments, missing model BLOB') },
        { cmd: ['AI.MODELSTORE', 'x', 'ONNX', 'CPU', 'BATCHSIZE', '2', 'NOT_BLOB'], want: err('ERR Invalid argument, expected BLOB') },
        {
          cmd: ['AI.MODELSTORE', 'x', 'ONNX', 'CPU', 'BATCHSIZE', '2', 'BLOB'],
          want: err('ERR Insufficient arguments, missing model BLOB'),
        },
        { cmd: ['AI.MODELSTORE', 'x', 'TF', 'CPU', 'BLOB', { file: TF_MUL }], want: err('ERR INPUTS not specified for TF') },
        {
          cmd: ['AI.MODELSTORE', 'x', 'TF', 'CPU', 'INPUTS', '0', 'OUTPUTS', 'BLOB', { file: TF_MUL }],
          want: err('ERR Invalid argument for input_count'),
        },
        {
          cmd: ['AI.MODELSTORE', 'x', 'TF', 'CPU', 'INPUTS', '2', 'a', 'b', 'BLOB', { file: TF_MUL }],
          want: err('ERR OUTPUTS not specified for TF'),
        },
        {
          cmd: ['AI.MODELSET', 'x', 'TF', 'CPU', { file: TF_MUL }],
          want: err('ERR Insufficient arguments, INPUTS and OUTPUTS not specified'),
        },
        {
          cmd: ['AI.MODELGET', 'missing'],
          want: modes(err('ERR cannot get model from empty key'), err('ERR model key is empty')),
        },
        { cmd: ['AI.MODELGET', 't'], want: WRONGTYPE },
        { cmd: ['AI.MODELDEL', 'missing'], want: modes(err('ERR no model at key'), err('ERR model key is empty')) },
        { cmd: ['AI.MODELDEL', 't'], want: WRONGTYPE },
        { cmd: ['AI.MODELDEL', 'named'], want: OK },
        { cmd: ['EXISTS', 'named', 'x'], want: 0 },
      ],
    },
    {
      name: 'model runs',
      steps: [
        { cmd: ['AI.TENSORSET', 'a', 'FLOAT', '2', '3', 'VALUES', '1', '2', '3', '4', '5', '6'], want: OK },
        { cmd: ['AI.TENSORSET', 'b', 'FLOAT', '2', '3', 'VALUES', '2', '2', '2', '2', '2', '2'], want: OK },
        { cmd: ['AI.MODELRUN', 'm', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], want: OK },
        {
          cmd: ['AI.TENSORGET', 'c', 'META', 'VALUES'],
          want: ['dtype', 'FLOAT', 'shape', [2, 3], 'values', ['2', '4', '6', '8', '10', '12']],
        },
        { cmd: ['AI.MODELEXECUTE', 'm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c2', 'TIMEOUT', '5000'], want: OK },
        { cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c3'], want: OK },
        {
          cmd: ['AI.TENSORGET', 'c3', 'META', 'VALUES'],
          want: ['dtype', 'FLOAT', 'shape', [2, 3], 'values', ['2', '4', '6', '8', '10', '12']],
        },
        { cmd: ['AI.MODELRUN', 'missing', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], want: err('ERR model key is empty') },
        { cmd: ['AI.MODELRUN', 'm', 'a', 'b', 'OUTPUTS', 'c'], want: err('ERR INPUTS not specified') },
        { cmd: ['AI.MODELRUN', 'm', 'INPUTS', 'a', 'b'], want: err('ERR OUTPUTS not specified') },
        {
          cmd: ['AI.MODELRUN', 'm', 'INPUTS', 'nothing', 'b', 'OUTPUTS', 'c'],
          want: modes(err('ERR Input key is empty'), err('ERR tensor key is empty or in a different shard')),
        },
        { cmd: ['AI.MODELRUN', 'm', 'INPUTS', 'm', 'b', 'OUTPUTS', 'c'], want: WRONGTYPE },
        {
          cmd: ['AI.MODELRUN', 'tfm', 'INPUTS', 'a', 'OUTPUTS', 'c'],
          want: err('ERR Number of names given as INPUTS during MODELSET and keys given as INPUTS here do not match'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS'],
          want: err("ERR wrong number of arguments for 'AI.MODELEXECUTE' command"),
        },
        { cmd: ['AI.MODELEXECUTE', 'missing', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c'], want: err('ERR model key is empty') },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'TIMEOUT', '1000', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c'],
          want: err('ERR INPUTS not specified'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', 'two', 'a', 'b', 'OUTPUTS', '1', 'c'],
          want: err('ERR Invalid argument for input_count'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '0', 'a', 'b', 'OUTPUTS', '1', 'c'],
          want: err('ERR Input count must be a positive integer'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '1', 'a', 'OUTPUTS', '1', 'c', 'd'],
          want: err('ERR Number of keys given as INPUTS here does not match model definition'),
        },
        { cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'NOT_OUTPUTS', '1', 'c'], want: err('ERR OUTPUTS not specified') },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', 'one', 'c'],
          want: err('ERR Invalid argument for output_count'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '0', 'c'],
          want: err('ERR Output count must be a positive integer'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '2', 'c', 'd'],
          want: err('ERR Number of keys given as OUTPUTS here does not match model definition'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1'],
          want: err('ERR number of output keys to AI.MODELEXECUTE command does not match the number of given arguments'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c', 'bad_arg'],
          want: err('ERR Invalid argument: bad_arg'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c', 'TIMEOUT'],
          want: err('ERR No value provided for TIMEOUT'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c', 'TIMEOUT', '-43'],
          want: err('ERR Invalid value for TIMEOUT'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c', 'TIMEOUT', '1000', 'bad_arg'],
          want: err('ERR Invalid argument: bad_arg'),
        },
        {
          cmd: ['AI.MODELEXECUTE', 'tfm', 'INPUTS', '2', 'a', 'nothing', 'OUTPUTS', '1', 'c'],
          want: err('ERR tensor key is empty or in a different shard'),
        },
      ],
    },
    {
      name: 'statistics',
      steps: [
        { cmd: ['AI.INFO', 'm', 'RESETSTAT'], want: OK },
        { cmd: ['AI.MODELRUN', 'm', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], want: OK },
        {
          cmd: ['AI.INFO', 'm'],
          want: modes(
            [
              { s: 'KEY' },
              'm',
              { s: 'TYPE' },
              { s: 'MODEL' },
              { s: 'BACKEND' },
              { s: 'ONNX' },
              { s: 'DEVICE' },
              { s: 'CPU' },
              { s: 'DURATION' },
              { int: 'any' },
              { s: 'SAMPLES' },
              2,
              { s: 'CALLS' },
              1,
              { s: 'ERRORS' },
              0,
            ],
            [
              'key',
              'm',
              'type',
              'MODEL',
              'backend',
              'ONNX',
              'device',
              'CPU',
              'tag',
              '',
              'duration',
              { int: 'any' },
              'samples',
              2,
              'calls',
              1,
              'errors',
              0,
            ],
          ),
        },
        {
          cmd: ['AI.INFO', 'ms'],
          want: modes(
            [
              { s: 'KEY' },
              'ms',
              { s: 'TYPE' },
              { s: 'MODEL' },
              { s: 'BACKEND' },
              { s: 'ONNX' },
              { s: 'DEVICE' },
              { s: 'CPU' },
              { s: 'DURATION' },
              0,
              { s: 'SAMPLES' },
              0,
              { s: 'CALLS' },
              0,
              { s: 'ERRORS' },
              0,
            ],
            [
              'key',
              'ms',
              'type',
              'MODEL',
              'backend',
              'ONNX',
              'device',
              'CPU',
              'tag',
              'v1',
              'duration',
              0,
              'samples',
              0,
              'calls',
              0,
              'errors',
              0,
            ],
          ),
        },
        // As RedisAI's own v0.9 test counts them: runs it queued and failed (a wrong number of
        // inputs, no OUTPUTS keys, no INPUTS keys) are calls and errors; a command that fails
        // to parse (INPUTS missing) is neither.
        { cmd: ['AI.SCRIPTSET', 'ket', 'CPU', SCRIPT], want: OK },
        { cmd: ['AI.SCRIPTRUN', 'ket', 'bar', 'INPUTS', 'b', 'OUTPUTS', 'c'], want: { err: 'any' } },
        { cmd: ['AI.SCRIPTRUN', 'ket', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], want: err('ERR INPUTS not specified') },
        { cmd: ['AI.SCRIPTRUN', 'ket', 'bar', 'INPUTS', 'b', 'OUTPUTS'], want: { err: 'any' } },
        { cmd: ['AI.SCRIPTRUN', 'ket', 'bar', 'INPUTS', 'OUTPUTS'], want: { err: 'any' } },
        { cmd: ['AI.SCRIPTRUN', 'ket', 'bar', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], want: OK },
        {
          cmd: ['AI.INFO', 'ket'],
          want: modes(
            [
              { s: 'KEY' },
              'ket',
              { s: 'TYPE' },
              { s: 'SCRIPT' },
              { s: 'BACKEND' },
              { s: 'TORCH' },
              { s: 'DEVICE' },
              { s: 'CPU' },
              { s: 'DURATION' },
              { int: 'any' },
              { s: 'SAMPLES' },
              -1,
              { s: 'CALLS' },
              4,
              { s: 'ERRORS' },
              3,
            ],
            [
              'key',
              'ket',
              'type',
              'SCRIPT',
              'backend',
              'TORCH',
              'device',
              'CPU',
              'tag',
              '',
              'duration',
              { int: 'any' },
              'samples',
              -1,
              'calls',
              4,
              'errors',
              3,
            ],
          ),
        },
        { cmd: ['AI.INFO', 't'], want: err('ERR cannot find run info for key') },
        { cmd: ['AI.INFO', 'missing'], want: err('ERR cannot find run info for key') },
      ],
    },
    {
      name: 'scripts',
      steps: [
        { cmd: ['AI.SCRIPTSET', 's', 'CPU', SCRIPT], want: OK },
        {
          cmd: ['AI.SCRIPTGET', 's'],
          want: modes([{ s: 'CPU' }, SCRIPT], ['device', 'CPU', 'tag', '', 'source', SCRIPT]),
        },
        { cmd: ['AI.SCRIPTSET', 'st', 'CPU', 'TAG', 'v2', 'SOURCE', SCRIPT], want: OK },
        { cmd: ['AI.SCRIPTGET', 'st', 'META'], want: ['device', 'CPU', 'tag', 'v2'] },
        { cmd: ['AI.SCRIPTGET', 'st', 'SOURCE'], want: SCRIPT },
        { cmd: ['AI.SCRIPTGET', 'st', 'META', 'SOURCE'], want: ['device', 'CPU', 'tag', 'v2', 'source', SCRIPT] },
        { cmd: ['AI.SCRIPTSTORE', 'se', 'CPU', 'TAG', 'v3', 'ENTRY_POINTS', '1', 'bar', 'SOURCE', ENTRY_SCRIPT], want: OK },
        { cmd: ['AI.SCRIPTGET', 'se', 'META'], want: ['device', 'CPU', 'tag', 'v3', 'Entry Points', ['bar']] },
        { cmd: ['AI.SCRIPTGET', 'se', 'SOURCE'], want: ENTRY_SCRIPT },
        {
          cmd: ['AI._SCRIPTSCAN'],
          want: [
            ['ket', ''],
            ['s', ''],
            ['st', 'v2'],
            ['se', 'v3'],
          ],
        },
        { cmd: ['AI.SCRIPTRUN', 's', 'bar', 'INPUTS', 'a', 'b', 'OUTPUTS', 'sum'], want: OK },
        {
          cmd: ['AI.TENSORGET', 'sum', 'META', 'VALUES'],
          want: ['dtype', 'FLOAT', 'shape', [2, 3], 'values', ['3', '4', '5', '6', '7', '8']],
        },
        { cmd: ['AI.SCRIPTEXECUTE', 's', 'bar', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'sum2'], want: OK },
        {
          cmd: ['AI.SCRIPTSTORE', 'x', 'CPU', 'SOURCE', 'return 1'],
          want: err("ERR wrong number of arguments for 'AI.SCRIPTSTORE' command"),
        },
        {
          cmd: ['AI.SCRIPTSTORE', 'x', 'CPU', 'NO_ENTRY_POINTS', '1', 'bar', 'SOURCE', ENTRY_SCRIPT],
          want: err('ERR Insufficient arguments, missing script entry points'),
        },
        {
          cmd: ['AI.SCRIPTSTORE', 'x', 'CPU', 'ENTRY_POINTS', 'ENTRY_POINTS', 'bar', 'SOURCE', ENTRY_SCRIPT],
          want: err('ERR Non numeric entry points number provided to AI.SCRIPTSTORE command'),
        },
        {
          cmd: ['AI.SCRIPTSTORE', 'x', 'CPU', 'ENTRY_POINTS', '2', 'bar', 'bar1', 'SOURCE', ENTRY_SCRIPT],
          want: err('ERR Function bar1 does not exist in the given script.'),
        },
        {
          cmd: ['AI.SCRIPTSTORE', 'x', 'CPU', 'ENTRY_POINTS', '1', 'bar', 'SOURCE', 'def bar(a, b):\n    return a + b\n'],
          want: err('ERR Wrong number of inputs in function bar. Expected 3 but was 2'),
        },
        {
          cmd: ['AI.SCRIPTSTORE', 'x', 'CPU', 'ENTRY_POINTS', '2', 'bar', 'helper', 'SOURCE', ENTRY_SCRIPT],
          want: err('ERR Wrong number of inputs in function helper. Expected 3 but was 1'),
        },
        {
          cmd: [
            'AI.SCRIPTSTORE',
            'x',
            'CPU',
            'ENTRY_POINTS',
            '1',
            'bar',
            'SOURCE',
            'def bar(tensors: List[Tensor], keys: List[str], args: List[Tensor]):\n    return tensors[0]\n',
          ],
          want: err(
            'ERR Wrong inputs type in function bar. Expected signature similar to: def bar(tensors: List[Tensor], keys: List[str], args: List[str])',
          ),
        },
        { cmd: ['EXISTS', 'x'], want: 0 },
        {
          cmd: ['AI.SCRIPTSTORE', 'x', 'CPU', 'ENTRY_POINTS', '2', 'bar', 'helper', 'SOURCE'],
          want: err('ERR Insufficient arguments, missing script SOURCE'),
        },
        {
          cmd: ['AI.SCRIPTSTORE', 'x', 'CPU', 'ENTRY_POINTS', '5', 'bar', 'helper', 'SOURCE', ENTRY_SCRIPT],
          want: err('ERR Insufficient arguments, missing script entry points'),
        },
        { cmd: ['AI.SCRIPTGET', 'missing'], want: modes(err('ERR cannot get script from empty key'), err('ERR script key is empty')) },
        { cmd: ['AI.SCRIPTGET', 't'], want: WRONGTYPE },
        { cmd: ['AI.SCRIPTDEL', 'missing'], want: modes(err('ERR no script at key'), err('ERR script key is empty')) },
        { cmd: ['AI.SCRIPTRUN', 'missing', 'bar', 'INPUTS', 'a', 'OUTPUTS', 'c'], want: err('ERR script key is empty') },
        { cmd: ['AI.SCRIPTRUN', 't', 'bar', 'INPUTS', 'a', 'OUTPUTS', 'c'], want: WRONGTYPE },
        {
          cmd: ['AI.SCRIPTRUN', 's', 'bar', 'INPUTS', 'nothing', 'b', 'OUTPUTS', 'c'],
          want: modes(err('ERR Input key is empty'), err('ERR tensor key is empty or in a different shard')),
        },
        { cmd: ['AI.SCRIPTRUN', 's', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], want: err('ERR INPUTS not specified') },
        {
          cmd: ['AI.SCRIPTEXECUTE', 'missing', 'bar', 'KEYS', '1', 'a', 'INPUTS', '1', 'b', 'OUTPUTS', '1', 'c'],
          want: err('ERR script key is empty'),
        },
        { cmd: ['AI.SCRIPTEXECUTE', 't', 'bar', 'KEYS', '1', 'a', 'INPUTS', '1', 'b', 'OUTPUTS', '1', 'c'], want: WRONGTYPE },
        { cmd: ['AI.SCRIPTEXECUTE', 'se', 'bar', 'KEYS', '1'], want: err('ERR Missing arguments after KEYS keyword') },
        {
          cmd: ['AI.SCRIPTEXECUTE', 'se', 'bar', 'KEYS', 'not_number', 'k'],
          want: err('ERR Invalid or negative value found in number of KEYS'),
        },
        {
          cmd: ['AI.SCRIPTEXECUTE', 'se', 'bar', 'KEYS', '2', 'k'],
          want: err('ERR Number of pre declared KEYS to be used in the command does not match the number of given arguments'),
        },
        {
          cmd: ['AI.SCRIPTEXECUTE', 'se', 'bar', 'OUTPUTS', '2', 'a', 'a'],
          want: err('ERR KEYS or INPUTS scope must be provided first for AI.SCRIPTEXECUTE command'),
        },
        {
          cmd: ['AI.SCRIPTEXECUTE', 'se', 'bar', 'KEYS', '1', 'a', 'ARGS'],
          want: err('ERR Invalid arguments provided to AI.SCRIPTEXECUTE'),
        },
        {
          cmd: ['AI.SCRIPTEXECUTE', 'se', 'bar', 'INPUTS', 'OUTPUTS'],
          want: err('ERR Invalid argument for inputs count in AI.SCRIPTEXECUTE'),
        },
        {
          cmd: ['AI.SCRIPTEXECUTE', 'se', 'bar', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c', 'TIMEOUT', 'TIMEOUT'],
          want: err('ERR Invalid value for TIMEOUT'),
        },
        {
          cmd: ['AI.SCRIPTEXECUTE', 'se', 'bar', 'INPUTS', '2', 'nothing', 'b', 'OUTPUTS', '1', 'c'],
          want: err('ERR tensor key is empty or in a different shard'),
        },
        {
          cmd: ['AI.SCRIPTEXECUTE', 'se', 'INPUTS', '1', 'a', 'OUTPUTS', '1', 'c'],
          want: err('ERR Invalid AI.SCRIPTEXECUTE command. Unexpected argument: 1'),
        },
        { cmd: ['AI.SCRIPTDEL', 'st'], want: OK },
        { cmd: ['EXISTS', 'st', 'x'], want: 0 },
      ],
    },
    {
      name: 'DAGs',
      steps: [
        {
          cmd: [
            'AI.DAGEXECUTE',
            'LOAD',
            '1',
            'a',
            'PERSIST',
            '1',
            'prod',
            '|>',
            'AI.TENSORSET',
            'two',
            'FLOAT',
            '2',
            '3',
            'VALUES',
            '2',
            '2',
            '2',
            '2',
            '2',
            '2',
            '|>',
            'AI.MODELEXECUTE',
            'm',
            'INPUTS',
            '2',
            'a',
            'two',
            'OUTPUTS',
            '1',
            'prod',
            '|>',
            'AI.TENSORGET',
            'prod',
            'VALUES',
          ],
          want: [OK, OK, ['2', '4', '6', '8', '10', '12']],
        },
        { cmd: ['EXISTS', 'prod', 'two'], want: 1 },
        {
          cmd: [
            'AI.DAGRUN',
            'PERSIST',
            '1',
            'r',
            '|>',
            'AI.TENSORSET',
            'x',
            'FLOAT',
            '2',
            '3',
            'VALUES',
            '1',
            '1',
            '1',
            '1',
            '1',
            '1',
            '|>',
            'AI.MODELRUN',
            'm',
            'INPUTS',
            'x',
            'x',
            'OUTPUTS',
            'r',
            '|>',
            'AI.TENSORGET',
            'r',
            'META',
          ],
          // A DAG is a 1.2 request: its steps answer as 1.2 does in both modes.
          want: [OK, OK, ['dtype', 'FLOAT', 'shape', [2, 3]]],
        },
        { cmd: ['EXISTS', 'r', 'x'], want: 1 },
        {
          cmd: ['AI.DAGEXECUTE_RO', 'LOAD', '1', 'a', '|>', 'AI.TENSORGET', 'a', 'META', 'BLOB'],
          want: [['dtype', 'FLOAT', 'shape', [2, 3], 'blob', hex(Buffer.from(Float32Array.of(1, 2, 3, 4, 5, 6).buffer))]],
        },
        {
          cmd: [
            'AI.DAGEXECUTE',
            'ROUTING',
            'a',
            '|>',
            'AI.TENSORSET',
            'k',
            'FLOAT',
            '2',
            'VALUES',
            '2',
            '3',
            '|>',
            'AI.TENSORSET',
            'l',
            'FLOAT',
            '2',
            '2',
            '3',
            '|>',
            'AI.MODELEXECUTE',
            'tfm',
            'INPUTS',
            '2',
            'k',
            'l',
            'OUTPUTS',
            '1',
            'o',
            '|>',
            'AI.TENSORGET',
            'o',
            'VALUES',
          ],
          want: [OK, OK, { err: 'any' }, { s: 'NA' }],
        },
        {
          cmd: ['AI.DAGEXECUTE', 'PERSIST', '2', 'n1', 'n1', '|>', 'AI.TENSORSET', 'n1', 'FLOAT', '1'],
          want: err('ERR PERSIST keys must be unique'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'PERSIST', '2', 'x1', 'x2', 'LOAD', '1'],
          want: err('ERR missing arguments after LOAD keyword in DAG command'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'LOAD', 'notnumber', '|>', 'AI.TENSORGET', 'a', 'VALUES'],
          want: err('ERR invalid or negative value found in number of keys to LOAD'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', 'LOAD', '2', 'a'],
          want: err('ERR number of keys to LOAD into DAG does not match the number of given arguments'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'nothing', 'LOAD', '1', 'nothing'],
          want: err('ERR tensor key is empty or in a different shard'),
        },
        { cmd: ['AI.DAGEXECUTE', 'ROUTING', 'm', 'LOAD', '1', 'm'], want: WRONGTYPE },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', 'LOAD', '1', 'a', 'PERSIST', '1'],
          want: err('ERR missing arguments after PERSIST keyword in DAG command'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', 'PERSIST', 'not_number', 'a'],
          want: err('ERR invalid or negative value found in number of keys to PERSIST'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', 'PERSIST', '2', 'a'],
          want: err('ERR number of keys to PERSIST after DAG execution does not match the number of given arguments'),
        },
        { cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', 'PERSIST', '1', 'a', 'TIMEOUT'], want: err('ERR No value provided for TIMEOUT') },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', 'PERSIST', '1', 'a', 'TIMEOUT', 'not_number'],
          want: err('ERR Invalid value for TIMEOUT'),
        },
        { cmd: ['AI.DAGEXECUTE', 'PERSIST', '3', 'a', 'b', 'c', 'ROUTING'], want: err('ERR Missing ROUTING value') },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', 'PERSIST', '1', 'a', 'BAD_ARG'],
          want: err('ERR Invalid DAG command. Unexpected argument:  BAD_ARG'),
        },
        {
          cmd: ['AI.DAGEXECUTE', '|>', 'AI.TENSORSET', 'a', 'FLOAT', '1', '2', 'VALUES', '5', '10'],
          want: err('ERR AI.DAGEXECUTE and AI.DAGEXECUTE_RO commands must contain at least one out of ROUTING, LOAD, PERSIST keywords'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', '|>', 'AI.NOCOMMAND', 'a', 'FLOAT', '1', '2', 'VALUES', '5', '10'],
          want: err('ERR Unsupported command within DAG'),
        },
        { cmd: ['AI.DAGEXECUTE'], want: err("ERR missing arguments for 'AI.DAGEXECUTE' command") },
        { cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', 'LOAD', '1', 'a'], want: err('ERR DAG is empty') },
        {
          cmd: ['AI.DAGEXECUTE', 'LOAD', '1', 'a', '|>', 'AI.MODELRUN', 'm', 'INPUTS', 'a', 'a', 'OUTPUTS', 'o'],
          want: err('ERR Deprecated AI.MODELRUN cannot be used in AI.DAGEXECUTE command'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'LOAD', '1', 'a', '|>', 'AI.SCRIPTRUN', 's', 'bar', 'INPUTS', 'a', 'a', 'OUTPUTS', 'o'],
          want: err('ERR Deprecated AI.SCRIPTRUN cannot be used in AI.DAGEXECUTE command'),
        },
        { cmd: ['AI.DAGEXECUTE_RO'], want: err("ERR missing arguments for 'AI.DAGEXECUTE_RO' command") },
        {
          cmd: ['AI.DAGEXECUTE_RO', 'PERSIST', '1', 't1', '|>', 'AI.TENSORSET', 't1', 'FLOAT', '1', '2', 'VALUES', '5', '10'],
          want: err('ERR PERSIST cannot be specified in a read-only DAG'),
        },
        {
          cmd: ['AI.DAGEXECUTE_RO', 'LOAD', '1', 'a', '|>', 'AI.SCRIPTEXECUTE', 'se', 'bar', 'INPUTS', '2', 'a', 'a'],
          want: err('ERR AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', '|>', 'AI.TENSORSET', 'a', 'FLOAT', '1', '|>', 'AI.TENSORGET'],
          want: err("ERR wrong number of arguments for 'AI.TENSORGET' command"),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'ROUTING', 'a', '|>', 'AI.TENSORGET', 'nowhere', 'VALUES'],
          want: err('ERR INPUT key cannot be found in DAG'),
        },
        {
          cmd: ['AI.DAGEXECUTE', 'PERSIST', '1', 'nowhere', '|>', 'AI.TENSORSET', 'x', 'FLOAT', '1'],
          want: err('ERR PERSIST key cannot be found in DAG'),
        },
        {
          cmd: [
            'AI.DAGEXECUTE',
            'LOAD',
            '1',
            'a',
            '|>',
            'AI.MODELEXECUTE',
            'm',
            'INPUTS',
            '2',
            'a',
            'a',
            'OUTPUTS',
            '1',
            'o',
            'TIMEOUT',
            '10',
          ],
          want: err('ERR TIMEOUT not allowed within a DAG command'),
        },
        {
          cmd: ['AI.DAGRUN', 'LOAD', '1', 'missing', '|>', 'AI.TENSORGET', 'missing', 'VALUES'],
          want: err('ERR tensor key is empty or in a different shard'),
        },
        {
          cmd: ['AI.DAGRUN_RO', 'PERSIST', '1', 'x', '|>', 'AI.TENSORSET', 'x', 'FLOAT', '1'],
          want: err('ERR PERSIST cannot be specified in a read-only DAG'),
        },
      ],
    },
    {
      name: 'settings',
      steps: [
        { cmd: ['CONFIG', 'GET', 'redisai-compat'], want: modes(['redisai-compat', '0.9'], ['redisai-compat', '1.2']) },
        { cmd: ['AI.CONFIG', 'GET', 'MODEL_CHUNK_SIZE'], want: 535822336 },
        { cmd: ['AI.CONFIG', 'MODEL_CHUNK_SIZE', '100'], want: OK },
        { cmd: ['AI.CONFIG', 'GET', 'MODEL_CHUNK_SIZE'], want: 100 },
        { cmd: ['AI.MODELGET', 'm', 'BLOB'], want: [hex(onnx.subarray(0, 100)), hex(onnx.subarray(100))] },
        { cmd: ['AI.CONFIG', 'MODEL_CHUNK_SIZE', '0'], want: err('ERR MODEL_CHUNK_SIZE: invalid chunk size') },
        { cmd: ['AI.CONFIG', 'MODEL_CHUNK_SIZE'], want: err('ERR MODEL_CHUNK_SIZE: missing chunk size') },
        { cmd: ['AI.CONFIG', 'BACKENDSPATH', '/usr/lib/modelkv/backends'], want: OK },
        { cmd: ['AI.CONFIG', 'GET', 'BACKENDSPATH'], want: '/usr/lib/modelkv/backends' },
        { cmd: ['AI.CONFIG', 'BACKENDSPATH'], want: err('ERR BACKENDSPATH: missing path argument') },
        { cmd: ['AI.CONFIG', 'THREADS_PER_QUEUE', '2'], want: OK },
        { cmd: ['AI.CONFIG', 'GET', 'THREADS_PER_QUEUE'], want: 2 },
        { cmd: ['AI.CONFIG', 'INTRA_OP_PARALLELISM', '1'], want: OK },
        { cmd: ['AI.CONFIG', 'GET', 'INTRA_OP_PARALLELISM'], want: 1 },
        { cmd: ['AI.CONFIG', 'INTER_OP_PARALLELISM', '1'], want: OK },
        { cmd: ['AI.CONFIG', 'GET', 'INTER_OP_PARALLELISM'], want: 1 },
        { cmd: ['AI.CONFIG', 'GET', 'NO_SUCH_SETTING'], want: null },
        { cmd: ['AI.CONFIG', 'FROBNICATE', '1'], want: err('ERR unsupported subcommand') },
        { cmd: ['AI.CONFIG', 'LOADBACKEND', 'CAFFE', '/x'], want: err('ERR unsupported backend') },
      ],
    },
  ];
}
