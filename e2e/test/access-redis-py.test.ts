// Authentication, ACL users and the ACL file through redis-py (e2e/py/access.py): its
// AuthenticationError and NoPermissionError, its acl_* helpers parsing the server's replies, and
// ACL SAVE / ACL LOAD on an --aclfile.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { useServer } from '../src/file-server.js';
import { redisPy } from '../src/harness.js';

const PASS = 'redis-py-secret';
const dir = mkdtempSync(join(tmpdir(), 'modelkv-acl-'));
const aclFile = join(dir, 'users.acl');
// The operator's file: the default user's password, given in clear as ACL SETUSER takes it.
writeFileSync(aclFile, `user default on >${PASS} ~* &* +@all\n`);
const server = useServer({ args: ['--aclfile', aclFile] });

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function py(section: string): Promise<void> {
  const r = await redisPy(server.port, { file: 'py/access.py' }, [section, PASS, aclFile]);
  assert.equal(r.code, 0, `access.py ${section}:\n${r.stdout}${r.stderr}`);
  assert.equal(r.stdout.trim(), 'ok');
}

describe('redis-py', () => {
  test('NOAUTH is an AuthenticationError, WRONGPASS a ResponseError (as against Redis); the ACL file sets the password', async () => {
    await py('auth');
  });

  test('acl_setuser, acl_getuser, acl_log; NOPERM is NoPermissionError', async () => {
    await py('acl');
  });

  test('ACL SAVE writes hashed passwords; ACL LOAD replaces the users, or nothing when the file is broken', async () => {
    await py('aclfile');
  });
});
