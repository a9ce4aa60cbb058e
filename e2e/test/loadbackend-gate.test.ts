// AI.CONFIG LOADBACKEND checks a request before anything is imported: modules here write a
// marker file the moment they are imported, and the marker must not appear for a bare file, a
// package that does not declare itself a modelkv backend, one that declares another identifier,
// one reached through a link out of --backends-path, or one whose entry lies outside it. The
// refusals give one text whether the path is missing, unreadable or not a backend.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Cli, cliFor, errorOf } from '../src/cli-calls.js';
import { assertErr } from '../src/expect.js';
import { REPO_ROOT, type ServerHandle, startServer } from '../src/harness.js';

const CORE_URL = pathToFileURL(join(REPO_ROOT, 'packages/core/dist/src/index.js')).href;
const root = mkdtempSync(join(tmpdir(), 'modelkv-gate-'));
const markers = join(root, 'markers');
const outside = join(root, 'outside');
const backends = join(root, 'backends');

/** Module source that writes markers/<name> as soon as it is imported, and exports no backend. */
function markerModule(name: string): string {
  return `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(markers, name))}, 'imported');\nexport const nothing = 1;\n`;
}

/** A valid backend (it runs no model), importing core by URL so that it can live anywhere. */
function validBackend(name: string): string {
  return `import { BACKEND_INTERFACE_VERSION } from ${JSON.stringify(CORE_URL)};
export const backend = { name: ${JSON.stringify(name)}, interfaceVersion: BACKEND_INTERFACE_VERSION, version: 'gate-test-1',
  devices: () => ['CPU'], async loadModel() { throw new Error('no models here'); } };\n`;
}

function pkg(dir: string, fields: Record<string, unknown>, index: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', type: 'module', exports: './index.js', ...fields }));
  writeFileSync(join(dir, 'index.js'), index);
}

function marked(name: string): boolean {
  return existsSync(join(markers, name));
}

before(() => {
  mkdirSync(markers);
  mkdirSync(outside);
  mkdirSync(backends);
  writeFileSync(join(outside, 'bare.js'), markerModule('bare'));
  pkg(join(outside, 'undeclared'), {}, markerModule('undeclared'));
  pkg(join(outside, 'declared-torch'), { modelkv: { backend: 'TORCH' } }, markerModule('declared-torch'));
  pkg(join(outside, 'declared-probe'), { modelkv: { backend: 'TORCH' } }, markerModule('declared-probe'));
  // What is missing, unreadable or not a package gets the same reply as what is not a backend.
  mkdirSync(join(outside, 'no-package-json'));
  mkdirSync(join(outside, 'package-json-is-a-dir', 'package.json'), { recursive: true });
  mkdirSync(join(outside, 'garbage'));
  writeFileSync(join(outside, 'garbage', 'package.json'), '{ not json');
  // Inside backends-path: a good one, a link out, and one whose entry points out.
  pkg(join(backends, 'good'), { modelkv: { backend: 'TF' } }, validBackend('TF'));
  symlinkSync(join(outside, 'declared-torch'), join(backends, 'link-out'));
  pkg(join(backends, 'sneaky'), { modelkv: { backend: 'TORCH' }, exports: '../../outside/bare.js' }, markerModule('sneaky'));
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('LOADBACKEND without --backends-path', () => {
  let server: ServerHandle;
  let cli: Cli;

  before(async () => {
    server = await startServer();
    cli = cliFor(server);
  });

  after(async () => {
    await server.stop();
  });

  const refusal = (name: string, path: string): RegExp =>
    new RegExp(
      `^ERR cannot load backend ${name} from '${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': not a package directory this server can read whose package\\.json declares "modelkv": \\{ "backend": "${name}" \\}$`,
    );

  test('a bare JS file is refused without being imported', async () => {
    const path = join(outside, 'bare.js');
    assertErr(errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'TF', path])), 'bare file', refusal('TF', path));
    assert.equal(marked('bare'), false, 'the file was imported');
  });

  test('a package that does not declare itself a backend is refused without being imported', async () => {
    const path = join(outside, 'undeclared');
    assertErr(errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'TF', path])), 'undeclared', refusal('TF', path));
    assert.equal(marked('undeclared'), false);
  });

  test('a package declaring another identifier is refused without being imported', async () => {
    const path = join(outside, 'declared-torch');
    assertErr(errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'ONNX', path])), 'mismatch', /declares TORCH, not ONNX$/);
    assert.equal(marked('declared-torch'), false);
  });

  test('missing, unreadable and not-a-package paths all get the same reply', async () => {
    const replies = [];
    for (const p of ['does-not-exist', 'no-package-json', 'package-json-is-a-dir', 'garbage', 'undeclared']) {
      const path = join(outside, p);
      const message = errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'TF', path]));
      assertErr(message, p, refusal('TF', path));
      replies.push(message!.replace(path, '<path>'));
    }
    assert.equal(new Set(replies).size, 1, replies.join('\n'));
  });

  test('the marker is real: a declared package is imported (and then refused as no backend)', async () => {
    const path = join(outside, 'declared-probe');
    assertErr(errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'TORCH', path])), 'declared', /is not a modelkv backend/);
    assert.equal(marked('declared-probe'), true, 'a checked package is imported, writing its marker');
    assert.match(server.output(), /"level":"warning".*"backend":"TORCH".*AI.CONFIG LOADBACKEND failed/);
  });
});

describe('LOADBACKEND with --backends-path', () => {
  let server: ServerHandle;
  let cli: Cli;

  before(async () => {
    server = await startServer({ args: ['--backends-path', backends] });
    cli = cliFor(server);
  });

  after(async () => {
    await server.stop();
  });

  test('a declared package inside it loads by its relative name', async () => {
    assert.deepEqual(await cli(['AI.CONFIG', 'LOADBACKEND', 'TF', 'good']), { status: 'OK' });
    assert.deepEqual(await cli(['CONFIG', 'GET', 'backends-path']), [Buffer.from('backends-path'), Buffer.from(backends)]);
  });

  test('paths written outside it are refused', async () => {
    for (const path of ['../outside/declared-torch', join(outside, 'declared-torch')]) {
      assertErr(errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'TORCH', path])), path, /is outside backends-path$/);
    }
    assert.equal(marked('declared-torch'), false);
  });

  test('a link inside it to a package outside is refused, as is an entry that points outside', async () => {
    assertErr(
      errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'TORCH', 'link-out'])),
      'link',
      /^ERR cannot load backend TORCH from 'link-out'/,
    );
    assertErr(
      errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'TORCH', 'sneaky'])),
      'sneaky',
      /^ERR cannot load backend TORCH from 'sneaky'/,
    );
    assert.equal(marked('declared-torch'), false);
    assert.equal(marked('bare'), false);
    assert.equal(marked('sneaky'), false);
  });

  test('a client cannot move it', async () => {
    assertErr(errorOf(await cli(['CONFIG', 'SET', 'backends-path', outside])), 'CONFIG SET', /can't set immutable config/);
    assertErr(errorOf(await cli(['CONFIG', 'SET', 'loadbackend-allow-files', 'yes'])), 'CONFIG SET', /can't set immutable config/);
  });

  test('AI.CONFIG BACKENDSPATH starts at it, moves only inside it, and never widens it', async () => {
    assert.deepEqual(await cli(['AI.CONFIG', 'GET', 'BACKENDSPATH']), Buffer.from(backends));
    for (const dir of [outside, '..', join(backends, '..', 'outside')]) {
      assertErr(errorOf(await cli(['AI.CONFIG', 'BACKENDSPATH', dir])), dir, /^ERR BACKENDSPATH '.*' is outside backends-path$/);
    }
    assert.deepEqual(await cli(['AI.CONFIG', 'GET', 'BACKENDSPATH']), Buffer.from(backends));
    // Moved to a directory inside it, relative paths start there; '..' back out of it is still refused.
    mkdirSync(join(backends, 'sub'), { recursive: true });
    assert.deepEqual(await cli(['AI.CONFIG', 'BACKENDSPATH', join(backends, 'sub')]), { status: 'OK' });
    assertErr(
      errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'TORCH', '../../outside/declared-torch'])),
      'up and out',
      /is outside backends-path$/,
    );
    assert.equal(marked('declared-torch'), false);
    assert.deepEqual(await cli(['AI.CONFIG', 'BACKENDSPATH', backends]), { status: 'OK' });
  });
});

describe('--loadbackend-allow-files yes', () => {
  test('lets a bare file through the gate, which is then imported', async () => {
    const server = await startServer({ args: ['--loadbackend-allow-files', 'yes'] });
    try {
      const path = join(outside, 'bare.js');
      assert.equal(marked('bare'), false);
      assertErr(errorOf(await cliFor(server)(['AI.CONFIG', 'LOADBACKEND', 'TF', path])), 'bare', /is not a modelkv backend/);
      assert.equal(marked('bare'), true);
    } finally {
      await server.stop();
    }
  });
});
