import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { command } from '../src/command-table.js';
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
