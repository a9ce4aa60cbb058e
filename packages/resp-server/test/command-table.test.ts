import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandTable, command } from '../src/command-table.js';
import { COMMANDS } from '../src/commands/index.js';

const base = { name: 'x', arity: 1, flags: [], group: 'generic', summary: '' } as const;
const waiting = async (): Promise<void> => {
  await Promise.resolve();
};

describe('argument lifetime, declared in the command table', () => {
  it('an async handler must declare waits: true, and only an async one may', () => {
    assert.throws(() => command({ ...base, handler: waiting }), /command x: an async handler must declare waits: true/);
    assert.throws(() => command({ ...base, waits: true, handler: () => undefined }), /only an async one may/);
    assert.equal(command({ ...base, waits: true, handler: waiting }).waits, true);
    assert.equal(command({ ...base, handler: () => undefined }).waits, false);
  });

  it('the commands that wait on the engine or the disk are declared so', () => {
    const all = COMMANDS.flatMap((c) => [c, ...(c.subcommands ?? [])]);
    const waiting = all.filter((c) => c.waits).map((c) => c.name);
    for (const name of ['ai.modelrun', 'ai.scriptrun', 'ai.modelset', 'ai.scriptset', 'ai.modelexecute', 'ai.dagexecute', 'exec', 'save']) {
      assert.ok(waiting.includes(name), `${name} waits`);
    }
    for (const name of ['ai.tensorset', 'ai.tensorget', 'ping']) assert.ok(!waiting.includes(name), `${name} does not wait`);
  });
});

describe('looking a command up by the bytes of its name', () => {
  it('names that share a length and a prefix find their own command, in any case, again and again', () => {
    const table = new CommandTable(COMMANDS);
    for (let round = 0; round < 3; round++) {
      for (const name of ['AI.TENSORGET', 'ai.tensorset', 'Ai.TensorSet', 'ai.TENSORGET', 'PING', 'ping', 'exec', 'EXISTS']) {
        assert.equal(table.getByBytes(Buffer.from(name))?.name, name.toLowerCase());
      }
      assert.equal(table.getByBytes(Buffer.from('AI.TENSORXET')), undefined);
      assert.equal(table.getByBytes(Buffer.from('x'.repeat(40))), undefined);
    }
  });

  it('every command and subcommand has an id of its own', () => {
    const all = COMMANDS.flatMap((c) => [c, ...(c.subcommands ?? [])]);
    assert.equal(new Set(all.map((c) => c.id)).size, all.length);
  });
});
