// COMMAND GETKEYS / GETKEYSANDFLAGS / INFO key specs through Debian's redis-cli.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliFor } from '../src/cli-calls.js';
import { asArray, asInteger, word } from '../src/cli-format.js';
import { useServer } from '../src/file-server.js';

const cli = cliFor(useServer());

/** The keys COMMAND GETKEYS answers for a request. */
async function getKeys(...request: string[]): Promise<string[]> {
  return asArray(await cli(['COMMAND', 'GETKEYS', ...request])).map((k) => word(k));
}

describe('redis-cli: COMMAND GETKEYS', () => {
  test('the keys of the AI commands, with INPUTS and OUTPUTS told apart from the words around them', async () => {
    assert.deepEqual(await getKeys('AI.SCRIPTRUN', 's', 'fn', 'INPUTS', 'a', 'OUTPUTS', 'c'), ['s', 'a', 'c']);
    assert.deepEqual(await getKeys('AI.MODELRUN', 'm', 'inputs', 'a', 'b', 'outputs', 'c', 'd'), ['m', 'a', 'b', 'c', 'd']);
    assert.deepEqual(await getKeys('AI.TENSORSET', 't', 'FLOAT', '2', 'VALUES', '1', '2'), ['t']);
    assert.deepEqual(await getKeys('AI.TENSORGET', 't', 'META'), ['t']);
    assert.deepEqual(await getKeys('AI.MODELSET', 'm', 'TF', 'CPU', 'INPUTS', 'a', 'OUTPUTS', 'b', 'blob'), ['m']);
    assert.deepEqual(await getKeys('AI.INFO', 'm'), ['m']);
    assert.deepEqual(await getKeys('DEL', 'a', 'b', 'c'), ['a', 'b', 'c']);
    assert.deepEqual(await getKeys('EXISTS', 'a', 'a'), ['a', 'a']);
    assert.deepEqual(await getKeys('UNLINK', 'x'), ['x']);
  });

  test('GETKEYSANDFLAGS says what the command does to each key', async () => {
    const reply = asArray(await cli(['COMMAND', 'GETKEYSANDFLAGS', 'AI.MODELRUN', 'm', 'INPUTS', 'a', 'OUTPUTS', 'c']));
    assert.deepEqual(
      reply.map((pair) => asArray(pair)).map(([k, flags]) => [word(k), asArray(flags).map((f) => word(f))]),
      [
        ['m', ['RO', 'access']],
        ['a', ['RO', 'access']],
        ['c', ['OW', 'update']],
      ],
    );
  });

  test('Redis errors for an unknown command, a command without keys, a wrong count and unparsable arguments', async () => {
    assert.deepEqual(await cli(['COMMAND', 'GETKEYS', 'NOSUCH', 'a']), { error: 'ERR Invalid command specified' });
    assert.deepEqual(await cli(['COMMAND', 'GETKEYS', 'PING']), { error: 'ERR The command has no key arguments' });
    assert.deepEqual(await cli(['COMMAND', 'GETKEYS', 'AI.CONFIG', 'LOADBACKEND', 'ONNX', 'x']), {
      error: 'ERR The command has no key arguments',
    });
    assert.deepEqual(await cli(['COMMAND', 'GETKEYS', 'AI.TENSORGET']), {
      error: 'ERR Invalid number of arguments specified for command',
    });
    assert.deepEqual(await cli(['COMMAND', 'GETKEYS', 'AI.SCRIPTRUN', 's', 'fn', 'a', 'OUTPUTS', 'c']), {
      error: 'ERR Invalid arguments specified for command',
    });
    assert.deepEqual(await cli(['PING']), { status: 'PONG' });
  });

  test('COMMAND INFO gives the legacy range and movablekeys for the runs', async () => {
    const [info] = asArray(await cli(['COMMAND', 'INFO', 'AI.SCRIPTRUN']));
    const fields = asArray(info);
    assert.equal(word(fields[0]), 'ai.scriptrun');
    assert.ok(
      asArray(fields[2])
        .map((f) => word(f))
        .includes('movablekeys'),
    );
    assert.deepEqual(
      fields.slice(3, 6).map((v) => asInteger(v)),
      [1n, 1n, 1n],
    );
    assert.equal(asArray(fields[8]).length, 3, 'three key specs: the script, the inputs, the outputs');
  });
});
