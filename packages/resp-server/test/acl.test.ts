import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ReplyError } from '@modelkv/core';
import { AclLog } from '../src/acl/acl-log.js';
import { CommandIndex } from '../src/acl/command-index.js';
import { keyMatcher } from '../src/acl/key-pattern.js';
import { hashPassword, passwordMatches } from '../src/acl/password.js';
import { AclRuleError, AclUser } from '../src/acl/user.js';
import { AclUsers } from '../src/acl/users.js';
import { CommandTable } from '../src/command-table.js';
import { COMMANDS } from '../src/commands/index.js';
import { KeyFlag } from '../src/key-specs.js';

const table = new CommandTable(COMMANDS);
const index = new CommandIndex(table);
const spec = (name: string) => table.getFull(name)!;

function user(...rules: string[]): AclUser {
  const u = new AclUser('u', index);
  for (const r of rules) u.apply(r);
  return u;
}

function ruleError(rule: string, existing: string[] = []): string {
  const u = user(...existing);
  try {
    u.apply(rule);
  } catch (err) {
    assert.ok(err instanceof AclRuleError);
    return err.message;
  }
  assert.fail(`${rule} was accepted`);
}

const RO_ACCESS = KeyFlag.RO | KeyFlag.ACCESS;
const OW_UPDATE = KeyFlag.OW | KeyFlag.UPDATE;

describe('ACL rules', () => {
  it('a new user is off, without passwords, commands or keys', () => {
    const u = user();
    assert.equal(u.describe(), 'off resetchannels -@all');
    assert.equal(u.mayRun(spec('ping')), false);
    assert.equal(u.mayAccessKey(Buffer.from('k'), RO_ACCESS), false);
    assert.equal(u.restricted, true);
  });

  it('categories, commands and subcommands combine in order', () => {
    const u = user('+@ai', '-@dangerous', '+config|get', '-ai.modeldel');
    assert.equal(u.mayRun(spec('ai.tensorset')), true);
    assert.equal(u.mayRun(spec('ai.modelrun')), true);
    assert.equal(u.mayRun(spec('ai.modelset')), false);
    assert.equal(u.mayRun(spec('ai.config')), false);
    assert.equal(u.mayRun(spec('ai.modeldel')), false);
    assert.equal(u.mayRun(spec('config|get')), true);
    assert.equal(u.mayRun(spec('config|set')), false);
    assert.equal(u.commandsDescription(), '-@all +@ai -@dangerous +config|get -ai.modeldel');
  });

  it('a later rule on the same command replaces the earlier one; a container rule replaces its subcommands', () => {
    assert.equal(user('+ping', '-ping', '+ping').commandsDescription(), '-@all +ping');
    assert.equal(user('+config|get', '+config|set', '-config').commandsDescription(), '-@all -config');
    assert.equal(user('+@read', '+ping', '-@read').commandsDescription(), '-@all +ping -@read');
    assert.equal(user('+ping', '+@all', '-keys').commandsDescription(), '+@all -keys');
  });

  it('the description replays to the same permissions', () => {
    const rules = ['on', '>p', '%R~in:*', '~out:*', '+@all', '-@dangerous', '+ai.config', '-ai.tensorset', '&chan'];
    const a = user(...rules);
    const b = user(...a.describe().split(' '));
    assert.equal(b.describe(), a.describe());
    for (const s of index.all) assert.equal(b.mayRun(s), a.mayRun(s), s.name);
  });

  it('allcommands with allkeys is unrestricted; any restriction is seen', () => {
    assert.equal(user('allcommands', 'allkeys').restricted, false);
    assert.equal(user('allcommands', 'allkeys', '-ping').restricted, true);
    assert.equal(user('allcommands', '~a*').restricted, true);
    assert.equal(user('+@all', '~*').allCommands, true);
  });

  it('key patterns: ~ for read and write, %R~ and %W~ for one of them', () => {
    const u = user('%R~in:*', '%W~out:*', '~both:*');
    assert.equal(u.mayAccessKey(Buffer.from('in:a'), RO_ACCESS), true);
    assert.equal(u.mayAccessKey(Buffer.from('in:a'), OW_UPDATE), false);
    assert.equal(u.mayAccessKey(Buffer.from('out:a'), OW_UPDATE), true);
    assert.equal(u.mayAccessKey(Buffer.from('out:a'), RO_ACCESS), false);
    assert.equal(u.mayAccessKey(Buffer.from('both:a'), RO_ACCESS), true);
    assert.equal(u.mayAccessKey(Buffer.from('both:a'), OW_UPDATE), true);
    // Neither read nor changed (EXISTS, TYPE): any matching pattern will do.
    assert.equal(u.mayAccessKey(Buffer.from('out:a'), KeyFlag.RO), true);
    assert.equal(u.mayAccessKey(Buffer.from('other'), KeyFlag.RO), false);
    assert.equal(u.keysDescription(), '%R~in:* %W~out:* ~both:*');
    assert.equal(user('%R~k', '%W~k').keysDescription(), '~k', 'the same pattern twice merges its permissions');
  });

  it('passwords are kept hashed; < and ! remove them; nopass and resetpass', () => {
    const u = user('on', '>one', `#${hashPassword(Buffer.from('two'))}`);
    assert.deepEqual(u.passwords, [hashPassword(Buffer.from('one')), hashPassword(Buffer.from('two'))]);
    assert.equal(u.accepts(Buffer.from('two')), true);
    assert.equal(u.accepts(Buffer.from('three')), false);
    u.apply('<one');
    assert.equal(u.accepts(Buffer.from('one')), false);
    u.apply(`!${hashPassword(Buffer.from('two'))}`);
    assert.equal(u.accepts(Buffer.from('two')), false);
    u.apply('nopass');
    assert.equal(u.accepts(Buffer.from('anything')), true);
    u.apply('resetpass');
    assert.equal(u.accepts(Buffer.from('anything')), false);
    u.apply('>x');
    u.apply('off');
    assert.equal(u.accepts(Buffer.from('x')), false, 'an off user cannot authenticate');
  });

  it('passwordMatches compares every stored hash', () => {
    const hashes = ['a', 'b', 'c'].map((p) => hashPassword(Buffer.from(p)));
    assert.equal(passwordMatches(Buffer.from('c'), hashes), true);
    assert.equal(passwordMatches(Buffer.from('d'), hashes), false);
    assert.equal(passwordMatches(Buffer.from('a'), []), false);
  });

  it("refuses bad rules with Redis's messages", () => {
    assert.equal(ruleError('+nosuch'), 'Unknown command or category name in ACL');
    assert.equal(ruleError('+@nosuch'), 'Unknown command or category name in ACL');
    assert.equal(ruleError('~more', ['allkeys']), ruleError('~x', ['~*']));
    assert.match(ruleError('~more', ['allkeys']), /^Adding a pattern after the \* pattern \(or the 'allkeys' flag\)/);
    assert.match(ruleError('&c', ['allchannels']), /'allchannels' flag/);
    assert.equal(ruleError('<never-set'), 'The password you are trying to remove from the user does not exist');
    assert.match(ruleError('#abc'), /exactly 64 characters/);
    assert.equal(ruleError('%X~k'), 'Syntax error');
    assert.equal(ruleError('bogus'), 'Syntax error');
    assert.equal(ruleError('+config|'), 'Syntax error');
    assert.equal(ruleError('+config|get|x'), 'Allowing first-arg of a subcommand is not supported');
    assert.equal(ruleError('+nosuch|x'), 'Unknown command or category name in ACL');
    assert.match(ruleError('(+ping ~k)'), /Selectors are not supported/);
  });

  it('reset takes everything back to a new user', () => {
    const u = user('on', '>p', '~*', '+@all', '&*');
    u.apply('reset');
    assert.equal(u.describe(), 'off sanitize-payload resetchannels -@all');
  });
});

describe('key patterns', () => {
  it('match the bytes of a key as Redis globs do, the common forms without a string', () => {
    const cases: [string, string, boolean][] = [
      ['*', 'anything', true],
      ['in:*', 'in:a', true],
      ['in:*', 'in:', true],
      ['in:*', 'out:a', false],
      ['in:*', 'in', false],
      ['exact', 'exact', true],
      ['exact', 'exactly', false],
      ['t?', 'tx', true],
      ['t?', 'txy', false],
      ['[ab]:*', 'b:1', true],
      ['[ab]:*', 'c:1', false],
      ['a\\*', 'a*', true],
      ['a\\*', 'ab', false],
      ['*:out', 'model:out', true],
      ['\xff*', '\xff\x00', true],
    ];
    for (const [pattern, key, expected] of cases) {
      assert.equal(keyMatcher(pattern)(Buffer.from(key, 'latin1')), expected, `${pattern} ~ ${key}`);
    }
  });
});

describe('ACL users', () => {
  it('the default user has every permission and no password until requirepass sets one', () => {
    const users = new AclUsers(index);
    assert.equal(users.describeAll()[0], 'user default on nopass ~* &* +@all');
    assert.equal(users.authRequired, false);
    users.setRequirePass('secret');
    assert.equal(users.authRequired, true);
    assert.equal(users.authenticate('default', Buffer.from('secret')), users.defaultUser);
    assert.equal(users.authenticate('default', Buffer.from('wrong')), undefined);
    users.setRequirePass('');
    assert.equal(users.authRequired, false);
  });

  it('SETUSER applies all of its rules or none; DELUSER keeps the default user', () => {
    const users = new AclUsers(index);
    users.setUser('a', ['on', '>p', '+ping']);
    assert.throws(
      () => {
        users.setUser('a', ['-ping', '+nosuch']);
      },
      (err: ReplyError) => err.message === "Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL",
    );
    assert.equal(users.get('a')!.mayRun(spec('ping')), true, 'the rule before the bad one was not applied');
    assert.throws(() => {
      users.setUser('b c', ['on']);
    }, /Usernames can't contain spaces/);
    assert.throws(() => users.deleteUsers(['default']), /The 'default' user cannot be removed/);
    assert.deepEqual(
      users.deleteUsers(['a', 'nobody']).map((u) => u.name),
      ['a'],
    );
  });

  it('the ACL file: SAVE writes ACL LIST lines; LOAD replaces every user, or none on an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelkv-acl-unit-'));
    try {
      const file = join(dir, 'users.acl');
      const users = new AclUsers(index);
      users.setRequirePass('pw');
      users.setUser('kept', ['on', '>k', '~*', '+@read']);
      users.setUser('changed', ['on', '>c', '~*', '+@read']);
      const kept = users.get('kept')!;
      const changed = users.get('changed')!;
      users.saveFile(file);
      assert.equal(readFileSync(file, 'latin1'), `${users.describeAll().join('\n')}\n`);

      writeFileSync(file, `${readFileSync(file, 'latin1')}user broken on +nosuch\n\nuser broken2 off\nnot-a-user\n`);
      assert.throws(
        () => users.loadFile(file),
        (err: ReplyError) =>
          err.message.includes(`${file}:4: Unknown command or category name in ACL. `) &&
          err.message.includes(`${file}:7 should start with user keyword followed by the username. `) &&
          err.message.endsWith('WARNING: ACL errors detected, no change to the previously active ACL rules was performed'),
      );
      assert.ok(users.get('kept') && users.get('changed'), 'nothing changed');

      const line = (name: string): string => users.describeAll().find((l) => l.startsWith(`user ${name} `))!;
      writeFileSync(file, [line('kept'), line('changed').replace('+@read', '+@write'), 'user added on nopass'].join('\n'));
      const dropped = users.loadFile(file);
      assert.deepEqual(dropped, [changed], 'only the redefined user loses its connections');
      assert.equal(users.get('kept'), kept, 'an unchanged user keeps its identity');
      assert.deepEqual(
        users.all().map((u) => u.name),
        ['added', 'changed', 'default', 'kept'],
      );
      // The file had no default user: Redis's default one (no password) takes its place.
      assert.equal(users.defaultUser.describe(), 'on nopass ~* &* +@all');
      assert.throws(() => users.loadFile(join(dir, 'missing.acl')), /^ReplyError: Error loading ACLs, opening file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ACL LOG', () => {
  it('groups repeated denials within a minute, newest first, and keeps at most maxLen entries', () => {
    const log = new AclLog(2);
    log.add('command', 'toplevel', 'get', 'u', 'id=1', 1000);
    log.add('command', 'toplevel', 'get', 'u', 'id=2', 2000);
    log.add('key', 'toplevel', 'k', 'u', 'id=3', 3000);
    const [first, second] = log.newest(10);
    assert.equal(first!.reason, 'key');
    assert.equal(second!.count, 2);
    assert.equal(second!.clientInfo, 'id=2', 'the last client is kept');
    assert.equal(second!.createdAt, 1000);
    assert.equal(second!.updatedAt, 2000);
    log.add('command', 'toplevel', 'get', 'u', 'id=4', 2000 + 61_000);
    assert.equal(log.newest(10).length, 2);
    assert.equal(log.newest(10)[0]!.count, 1, 'a minute later it is a new entry');
    log.reset();
    assert.deepEqual(log.newest(10), []);
  });
});
