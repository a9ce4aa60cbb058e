import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadAddon, versionMismatch } from '../src/addon.js';

interface Found {
  readonly source: string;
  readonly libDir: string;
  readonly version: string;
}
interface Finder {
  findLibtensorflow(env: Record<string, string | undefined>): { found?: Found; misses: { source: string; missing: string }[] };
  cflags(found: Found): string[];
}
const finder = (await import(new URL('../../scripts/find-libtensorflow.mjs', import.meta.url).href)) as Finder;

describe('libtensorflow version check at load', () => {
  test('the loaded library is the version the addon was built for', async () => {
    const addon = await loadAddon();
    assert.equal(versionMismatch(addon.builtVersion, addon.version()), undefined);
    assert.match(addon.builtVersion, /^\d+\.\d+\.\d+$/);
  });

  test('major and minor must match; the message says what to do', () => {
    assert.equal(versionMismatch('2.18.1', '2.18.0'), undefined);
    assert.equal(versionMismatch('2.18.1', '2.18.1-rc0'), undefined);
    assert.match(
      versionMismatch('2.18.1', '2.9.1') ?? '',
      /^libtensorflow 2\.9\.1 is loaded, but the TF backend's addon was built for libtensorflow 2\.18\.1: rebuild/,
    );
    assert.notEqual(versionMismatch('2.18.1', '3.18.1'), undefined);
  });
});

describe('find-libtensorflow.mjs', () => {
  test('MODELKV_LIBTENSORFLOW is used when it has lib/ and include/, its version read from version.h', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelkv-libtf-'));
    try {
      mkdirSync(join(dir, 'lib'));
      mkdirSync(join(dir, 'include', 'tensorflow', 'c'), { recursive: true });
      mkdirSync(join(dir, 'include', 'tensorflow', 'core', 'public'), { recursive: true });
      writeFileSync(join(dir, 'lib', 'libtensorflow.so'), '');
      for (const h of ['c_api.h', 'tf_tstring.h']) writeFileSync(join(dir, 'include', 'tensorflow', 'c', h), '');
      const version = ['#define TF_MAJOR_VERSION 2', '#define TF_MINOR_VERSION 7', '#define TF_PATCH_VERSION 4'].join('\n');
      writeFileSync(join(dir, 'include', 'tensorflow', 'core', 'public', 'version.h'), version);
      const { found } = finder.findLibtensorflow({ MODELKV_LIBTENSORFLOW: dir });
      assert.equal(found?.version, '2.7.4');
      assert.deepEqual(finder.cflags(found), [`-I${join(dir, 'include')}`, '-DMODELKV_TF_BUILT_VERSION=2.7.4']);
      // Without version.h, the versioned library file tells.
      rmSync(join(dir, 'include', 'tensorflow', 'core'), { recursive: true });
      symlinkSync('libtensorflow.so', join(dir, 'lib', 'libtensorflow.so.2.9.1'));
      assert.equal(finder.findLibtensorflow({ MODELKV_LIBTENSORFLOW: dir }).found?.version, '2.9.1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a MODELKV_LIBTENSORFLOW that lacks the library is reported, never passed over', () => {
    const { found, misses } = finder.findLibtensorflow({ MODELKV_LIBTENSORFLOW: '/nonexistent' });
    assert.equal(found, undefined);
    assert.deepEqual(misses, [{ source: 'MODELKV_LIBTENSORFLOW=/nonexistent', missing: '/nonexistent/lib/libtensorflow.so is missing' }]);
  });

  test('without it, the tfjs-node-gpu install comes first', () => {
    const { found } = finder.findLibtensorflow({});
    assert.match(found?.source ?? '', /^@tensorflow\/tfjs-node-gpu/);
  });
});
