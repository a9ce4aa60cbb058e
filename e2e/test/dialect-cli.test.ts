// Every AI command and its errors through redis-cli, in both compat modes: the replies of
// dialect-cases.ts, exactly (simple and bulk strings told apart).
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseCli } from '../src/cli-format.js';
import { type Compat, dialectSections, wanted } from '../src/dialect-cases.js';
import { assertMatches, normCli } from '../src/dialect-norm.js';
import { useServer } from '../src/file-server.js';
import { redisCli } from '../src/harness.js';
import { ONNX_BACKEND_ARGS } from './onnx-fixtures.js';
import { TF_BACKEND_ARGS } from './tf-fixtures.js';
import { TORCH_BACKEND_ARGS } from './torch-fixtures.js';

const BACKENDS = [...ONNX_BACKEND_ARGS, ...TF_BACKEND_ARGS, ...TORCH_BACKEND_ARGS];

for (const compat of ['0.9', '1.2'] as Compat[]) {
  describe(`redis-cli, --redisai-compat ${compat}`, () => {
    const server = useServer({ args: [...BACKENDS, '--redisai-compat', compat] });
    for (const section of dialectSections()) {
      test(section.name, async () => {
        for (const step of section.steps) {
          const last = step.cmd[step.cmd.length - 1];
          const file = typeof last === 'object' ? last.file : undefined;
          const words = step.cmd.filter((w): w is string => typeof w === 'string');
          const r = await redisCli(server.port, file ? ['-x', ...words] : words, file ? readFileSync(file) : undefined);
          const where = `${compat} ${words.join(' ').slice(0, 200)}`;
          if (r.code !== 0) throw new Error(`${where}: redis-cli exited with ${r.code}: ${r.stderr}`);
          assertMatches(normCli(parseCli(r.stdout)), wanted(step.want, compat), where);
        }
      });
    }
  });
}
