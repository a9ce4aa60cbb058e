// Every AI command and its errors through redis-py (Debian's python3-redis), in both compat
// modes: the replies of dialect-cases.ts, with the errors' text as redis-py raises them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type Compat, type Norm, dialectSections, wanted } from '../src/dialect-cases.js';
import { assertMatches } from '../src/dialect-norm.js';
import { useServer } from '../src/file-server.js';
import { redisPy } from '../src/harness.js';
import { ONNX_BACKEND_ARGS } from './onnx-fixtures.js';
import { TF_BACKEND_ARGS } from './tf-fixtures.js';
import { TORCH_BACKEND_ARGS } from './torch-fixtures.js';

const BACKENDS = [...ONNX_BACKEND_ARGS, ...TF_BACKEND_ARGS, ...TORCH_BACKEND_ARGS];
const dir = mkdtempSync(join(tmpdir(), 'modelkv-dialect-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

for (const compat of ['0.9', '1.2'] as Compat[]) {
  describe(`redis-py, --redisai-compat ${compat}`, () => {
    const server = useServer({ args: [...BACKENDS, '--redisai-compat', compat] });
    for (const section of dialectSections()) {
      test(section.name, async () => {
        const file = join(dir, `${compat}-${section.name.replace(/\W/g, '_')}.json`);
        writeFileSync(file, JSON.stringify(section.steps.map((s) => s.cmd)));
        const r = await redisPy(server.port, { file: 'py/dialect.py' }, [file]);
        assert.equal(r.code, 0, `redis-py failed:\n${r.stderr}`);
        const replies = JSON.parse(r.stdout) as Norm[];
        assert.equal(replies.length, section.steps.length);
        section.steps.forEach((step, i) => {
          const words = step.cmd.filter((w) => typeof w === 'string').join(' ');
          assertMatches(replies[i]!, wanted(step.want, compat), `${compat} ${words.slice(0, 200)}`, true);
        });
      });
    }
  });
}
