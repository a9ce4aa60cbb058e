import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ReplyError } from '@modelkv/core';
import { checkBackendRequest } from '../src/backend-gate.js';
import type { SecuritySettings } from '../src/security-options.js';

type Gate = Pick<SecuritySettings, 'enableLoadbackendCommand' | 'backendsPath' | 'loadbackendAllowFiles'>;

const root = mkdtempSync(join(tmpdir(), 'modelkv-gate-unit-'));
const base = join(root, 'backends');
const open: Gate = { enableLoadbackendCommand: 'local', backendsPath: '', loadbackendAllowFiles: false };
const limited: Gate = { ...open, backendsPath: base };

function pkg(dir: string, json: unknown, entry = 'index.js'): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(json));
  writeFileSync(join(dir, entry), '');
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ReplyError, String(err));
    return err.message;
  }
  assert.fail('accepted');
}

before(() => {
  pkg(join(base, 'good'), { main: 'index.js', modelkv: { backend: 'torch' } });
  // A sibling whose name starts like backends-path: outside it, whatever the string prefix says.
  pkg(join(root, 'backends-evil'), { main: 'index.js', modelkv: { backend: 'TORCH' } });
  symlinkSync(join(root, 'backends-evil'), join(base, 'link'));
  pkg(join(base, 'escapes'), { main: '../../backends-evil/index.js', modelkv: { backend: 'TORCH' } });
  pkg(join(base, 'unbuilt'), { main: 'dist/index.js', modelkv: { backend: 'TORCH' } });
  writeFileSync(join(base, 'file.mjs'), '');
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the LOADBACKEND gate', () => {
  it('no: nobody; local: loopback clients only; yes: anybody', () => {
    const path = join(base, 'good');
    assert.match(
      refusal(() => checkBackendRequest('TORCH', path, true, { ...open, enableLoadbackendCommand: 'no' }, root)),
      /command not allowed/,
    );
    assert.match(
      refusal(() => checkBackendRequest('TORCH', path, false, open, root)),
      /command not allowed/,
    );
    assert.equal(checkBackendRequest('TORCH', path, true, open, root), path);
    assert.equal(checkBackendRequest('TORCH', path, false, { ...open, enableLoadbackendCommand: 'yes' }, root), path);
  });

  it('relative paths are taken inside backends-path; the declaration is case-insensitive', () => {
    assert.equal(checkBackendRequest('TORCH', 'good', true, limited, root), join(base, 'good'));
    assert.equal(checkBackendRequest('TORCH', 'good', true, open, base), join(base, 'good'));
  });

  it('refuses what lies outside backends-path, written or through a link, and an entry outside the package', () => {
    assert.match(
      refusal(() => checkBackendRequest('TORCH', '../backends-evil', true, limited, root)),
      /is outside backends-path$/,
    );
    assert.match(
      refusal(() => checkBackendRequest('TORCH', join(root, 'backends-evil'), true, limited, root)),
      /is outside backends-path$/,
    );
    assert.match(
      refusal(() => checkBackendRequest('TORCH', 'link', true, limited, root)),
      /^cannot load backend TORCH from 'link'/,
    );
    assert.match(
      refusal(() => checkBackendRequest('TORCH', 'escapes', true, limited, root)),
      /^cannot load backend TORCH from 'escapes'/,
    );
    assert.match(
      refusal(() => checkBackendRequest('TORCH', 'unbuilt', true, limited, root)),
      /names no entry file that exists \(is it built\?\)$/,
    );
  });

  it('a bare file only with loadbackend-allow-files, and only a .js/.mjs/.cjs one', () => {
    const file = join(base, 'file.mjs');
    assert.match(
      refusal(() => checkBackendRequest('TF', file, true, open, root)),
      /^cannot load backend TF/,
    );
    assert.equal(checkBackendRequest('TF', file, true, { ...open, loadbackendAllowFiles: true }, root), file);
    assert.match(
      refusal(() => checkBackendRequest('TF', join(base, 'good', 'package.json'), true, { ...open, loadbackendAllowFiles: true }, root)),
      /, nor a \.js, \.mjs or \.cjs file$/,
    );
  });

  it('an empty path or one with a NUL is refused like a missing one', () => {
    const missing = refusal(() => checkBackendRequest('TF', 'missing', true, open, root)).replace("'missing'", '<p>');
    assert.equal(refusal(() => checkBackendRequest('TF', '', true, open, root)).replace("''", '<p>'), missing);
    assert.equal(refusal(() => checkBackendRequest('TF', 'a\0b', true, open, root)).replace("'a\0b'", '<p>'), missing);
  });
});
