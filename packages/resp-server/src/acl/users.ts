import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { ReplyError } from '@modelkv/core';
import type { CommandIndex } from './command-index.js';
import { AclRuleError, AclUser, hasSpaces } from './user.js';

export const DEFAULT_USER = 'default';

/**
 * The ACL users, by name. The `default` user is the one every connection starts as; it always
 * exists and keeps its identity (connections hold it) across ACL LOAD. `requirepass` is its
 * password, as in Redis.
 */
export class AclUsers {
  /** Called after any user's rules or passwords changed, or a user was removed. */
  onChange: () => void = () => undefined;
  readonly defaultUser: AclUser;
  private users = new Map<string, AclUser>();

  constructor(private readonly index: CommandIndex) {
    this.defaultUser = this.createDefault();
    this.users.set(DEFAULT_USER, this.defaultUser);
  }

  /** A new connection must authenticate: the default user has a password or is off. */
  get authRequired(): boolean {
    return !this.defaultUser.nopass || !this.defaultUser.enabled;
  }

  get(name: string): AclUser | undefined {
    return this.users.get(name);
  }

  /** Every user, sorted by name (ACL LIST, ACL USERS, the ACL file). */
  all(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The user `name` if it is on and `password` is one of its passwords (or it has none: nopass). */
  authenticate(name: string, password: Buffer): AclUser | undefined {
    const user = this.users.get(name);
    return user?.accepts(password) ? user : undefined;
  }

  /**
   * ACL SETUSER: creates the user if needed (off, no permissions) and applies the rules, all or
   * none. Throws Redis's error for the first rule that cannot be applied.
   */
  setUser(name: string, ops: readonly string[]): void {
    if (hasSpaces(name)) throw new ReplyError("Usernames can't contain spaces or null characters");
    const existing = this.users.get(name);
    const staged = existing ? existing.clone() : new AclUser(name, this.index);
    for (const op of ops) {
      try {
        staged.apply(op);
      } catch (err) {
        if (!(err instanceof AclRuleError)) throw err;
        throw new ReplyError(`Error in ACL SETUSER modifier '${op}': ${err.message}`);
      }
    }
    if (existing) existing.copyFrom(staged);
    else this.users.set(name, staged);
    this.onChange();
  }

  /** ACL DELUSER: the users removed (their connections must be closed). */
  deleteUsers(names: readonly string[]): AclUser[] {
    if (names.includes(DEFAULT_USER)) throw new ReplyError("The 'default' user cannot be removed");
    const removed: AclUser[] = [];
    for (const name of names) {
      const user = this.users.get(name);
      if (!user) continue;
      this.users.delete(name);
      removed.push(user);
    }
    this.onChange();
    return removed;
  }

  /** `requirepass`: the default user's only password, or none (nopass) for ''. */
  setRequirePass(password: string): void {
    this.defaultUser.apply('resetpass');
    this.defaultUser.apply(password === '' ? 'nopass' : `>${password}`);
    this.onChange();
  }

  /** `user <name> <rules>` for each user (ACL LIST). */
  describeAll(): string[] {
    return this.all().map((u) => `user ${u.name} ${u.describe()}`);
  }

  /** ACL SAVE: every user, written to a temporary file then renamed over `path`. */
  saveFile(path: string): void {
    const text = this.describeAll()
      .map((line) => `${line}\n`)
      .join('');
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    try {
      writeFileSync(tmp, text, { encoding: 'latin1', mode: 0o600 });
      renameSync(tmp, path);
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {
        // Nothing was written.
      }
      throw err;
    }
  }

  /**
   * ACL LOAD (and `--aclfile` at start): replaces every user with the file's, or changes nothing
   * and throws Redis's list of errors. Returns the users whose connections must be closed: those
   * the file removes or redefines (a user defined exactly as before keeps its connections).
   */
  loadFile(path: string): AclUser[] {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (err) {
      throw new ReplyError(`Error loading ACLs, opening file '${path}': ${(err as Error).message}`);
    }
    const loaded = new Map<string, AclUser>();
    let errors = '';
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line === '') return;
      const at = `${path}:${i + 1}`;
      const argv = line.split(' ');
      if (argv[0] !== 'user' || argv.length < 2) {
        errors += `${at} should start with user keyword followed by the username. `;
        return;
      }
      const name = argv[1]!;
      if (loaded.has(name)) {
        errors += `WARNING: Duplicate user '${name}' found on line ${i + 1}. `;
        return;
      }
      const user = new AclUser(name, this.index);
      loaded.set(name, user);
      for (const op of argv.slice(2)) {
        try {
          user.apply(op.replace(/^[\t\r\n]+|[\t\r\n]+$/g, ''));
        } catch (err) {
          if (!(err instanceof AclRuleError)) throw err;
          errors += `${at}: ${err.message}. `;
        }
      }
    });
    if (errors !== '') {
      throw new ReplyError(`${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`);
    }
    const newDefault = loaded.get(DEFAULT_USER) ?? this.createDefault();
    this.defaultUser.copyFrom(newDefault);
    loaded.set(DEFAULT_USER, this.defaultUser);
    const dropped: AclUser[] = [];
    for (const [name, old] of this.users) {
      if (name === DEFAULT_USER) continue;
      const replacement = loaded.get(name);
      if (replacement?.describe() === old.describe()) {
        loaded.set(name, old);
      } else {
        dropped.push(old);
      }
    }
    this.users = loaded;
    this.onChange();
    return dropped;
  }

  /** Redis's default user: on, no password, every command, key and channel. */
  private createDefault(): AclUser {
    const u = new AclUser(DEFAULT_USER, this.index);
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) u.apply(op);
    return u;
  }
}
