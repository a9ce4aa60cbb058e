// AI.TENSORSET / AI.TENSORGET through redis-py (Debian's python3-redis), checked with numpy.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useServer } from '../src/file-server.js';
import { redisPy } from '../src/harness.js';

const server = useServer();

const SECTIONS: [string, string][] = [
  ['spec', 'the specification example and a zero-filled tensor'],
  ['dtypes', 'every dtype round-trips by VALUES and by BLOB'],
  ['errors', 'bad input raises ResponseError and the server keeps serving'],
  ['large', 'an 8 MiB FLOAT tensor round-trips byte-exact'],
  ['pipeline', 'a pipeline of sets, gets and failing sets answers in order'],
];

describe('redis-py: tensors', () => {
  for (const [section, title] of SECTIONS) {
    test(title, async () => {
      const r = await redisPy(server.port, { file: 'py/tensors.py' }, [section]);
      assert.equal(r.code, 0, `py/tensors.py ${section} failed:\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^ok ${section}: \\d+ checks`, 'm'));
    });
  }
});
