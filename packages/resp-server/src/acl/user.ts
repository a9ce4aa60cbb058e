import type { CommandSpec } from '../command-table.js';
import { KeyFlag } from '../key-specs.js';
import { aclCategory } from './categories.js';
import type { CommandIndex } from './command-index.js';
import { type KeyMatcher, keyMatcher } from './key-pattern.js';
import { hashPassword, isPasswordHash, passwordMatches } from './password.js';

/** A rule ACL SETUSER cannot apply; the message is Redis's (ACLSetUserStringError). */
export class AclRuleError extends Error {}

const UNKNOWN_NAME = 'Unknown command or category name in ACL';
const SYNTAX = 'Syntax error';
const KEY_AFTER_ALL =
  "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
const CHANNEL_AFTER_ALL =
  "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
const NO_SUCH_PASSWORD = 'The password you are trying to remove from the user does not exist';
const BAD_HASH = 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';

interface KeyPattern {
  readonly pattern: string;
  readonly matches: KeyMatcher;
  read: boolean;
  write: boolean;
}

/** One `+name` / `-name` / `+@category` / `-@category` rule, as ACL LIST shows it. */
interface CommandRule {
  readonly allow: boolean;
  /** `@read` for a category, or a command's full name. */
  readonly target: string;
  readonly spec?: CommandSpec;
}

/** Whether a string has white space or NUL, which names and patterns may not (ACLStringHasSpaces). */
export function hasSpaces(s: string): boolean {
  return /[\s\0]/.test(s);
}

/**
 * An ACL user: whether it is on, its passwords (SHA-256 hashes), the commands it may run and the
 * keys and channels it may name, with Redis's rule language (ACL SETUSER) and description (ACL
 * LIST). Command rules are kept in the order given, an earlier rule on the same command or
 * category dropped, so the description replays to the same permissions (as Redis 7.2 does).
 * Selectors (`(...)`) are not supported.
 */
export class AclUser {
  enabled = false;
  nopass = false;
  /** `sanitize-payload` / `skip-sanitize-payload`, kept for ACL LIST; RESTORE does not exist here. */
  sanitize: '' | 'sanitize-payload' | 'skip-sanitize-payload' = '';
  passwords: string[] = [];
  allKeys = false;
  allChannels = false;
  /** May run every command (the rules leave none out). */
  allCommands = false;
  /**
   * Some command or key is out of bounds: the checks before each command look further only then,
   * so that a user without restrictions costs one property read.
   */
  restricted = true;

  private keyPatterns: KeyPattern[] = [];
  private channels: string[] = [];
  private allBase = false;
  private rules: CommandRule[] = [];
  private allowed = new Set<CommandSpec>();

  constructor(
    readonly name: string,
    private readonly index: CommandIndex,
  ) {}

  /** A copy to stage changes on (ACL SETUSER applies all of its rules or none). */
  clone(name = this.name): AclUser {
    const u = new AclUser(name, this.index);
    u.copyFrom(this);
    return u;
  }

  /** Takes every rule of `other`, keeping this user's name (and identity, for its connections). */
  copyFrom(other: AclUser): void {
    this.enabled = other.enabled;
    this.nopass = other.nopass;
    this.sanitize = other.sanitize;
    this.passwords = [...other.passwords];
    this.allKeys = other.allKeys;
    this.allChannels = other.allChannels;
    this.keyPatterns = other.keyPatterns.map((p) => ({ ...p }));
    this.channels = [...other.channels];
    this.allBase = other.allBase;
    this.rules = [...other.rules];
    this.refresh();
  }

  /** Applies one rule of ACL SETUSER; throws AclRuleError without changing anything when it is bad. */
  apply(op: string): void {
    if (op === '') return;
    const lower = op.toLowerCase();
    switch (lower) {
      case 'on':
        this.enabled = true;
        return;
      case 'off':
        this.enabled = false;
        return;
      case 'nopass':
        this.nopass = true;
        this.passwords = [];
        return;
      case 'resetpass':
        this.nopass = false;
        this.passwords = [];
        return;
      case 'sanitize-payload':
      case 'skip-sanitize-payload':
        this.sanitize = lower;
        return;
      case 'reset':
        for (const r of ['resetpass', 'resetkeys', 'resetchannels', 'off', 'sanitize-payload', '-@all']) this.apply(r);
        return;
      case 'clearselectors':
        return;
      case 'allkeys':
      case '~*':
        this.allKeys = true;
        this.keyPatterns = [];
        this.refresh();
        return;
      case 'resetkeys':
        this.allKeys = false;
        this.keyPatterns = [];
        this.refresh();
        return;
      case 'allchannels':
      case '&*':
        this.allChannels = true;
        this.channels = [];
        return;
      case 'resetchannels':
        this.allChannels = false;
        this.channels = [];
        return;
      case 'allcommands':
      case '+@all':
        this.allBase = true;
        this.rules = [];
        this.refresh();
        return;
      case 'nocommands':
      case '-@all':
        this.allBase = false;
        this.rules = [];
        this.refresh();
        return;
    }
    const first = op[0];
    if (first === '>' || first === '#') {
      const hash = first === '>' ? hashPassword(Buffer.from(op.slice(1), 'latin1')) : op.slice(1);
      if (first === '#' && !isPasswordHash(hash)) throw new AclRuleError(BAD_HASH);
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
    } else if (first === '<' || first === '!') {
      const hash = first === '<' ? hashPassword(Buffer.from(op.slice(1), 'latin1')) : op.slice(1);
      if (first === '!' && !isPasswordHash(hash)) throw new AclRuleError(BAD_HASH);
      const at = this.passwords.indexOf(hash);
      if (at === -1) throw new AclRuleError(NO_SUCH_PASSWORD);
      this.passwords.splice(at, 1);
    } else if (first === '~' || first === '%') {
      this.addKeyPattern(op);
    } else if (first === '&') {
      if (this.allChannels) throw new AclRuleError(CHANNEL_AFTER_ALL);
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) throw new AclRuleError(SYNTAX);
      if (!this.channels.includes(pattern)) this.channels.push(pattern);
    } else if (first === '(') {
      throw new AclRuleError('Selectors are not supported by this server');
    } else if ((first === '+' || first === '-') && op.length > 1) {
      this.addCommandRule(first === '+', op.slice(1));
    } else {
      throw new AclRuleError(SYNTAX);
    }
  }

  private addKeyPattern(op: string): void {
    if (this.allKeys) throw new AclRuleError(KEY_AFTER_ALL);
    let read = true;
    let write = true;
    let offset = 1;
    if (op.startsWith('%')) {
      read = false;
      write = false;
      for (; offset < op.length; offset++) {
        const c = op[offset]!.toUpperCase();
        if (c === 'R' && !read) read = true;
        else if (c === 'W' && !write) write = true;
        else if (c === '~') {
          offset++;
          break;
        } else throw new AclRuleError(SYNTAX);
      }
      if (op[offset - 1] !== '~' || (!read && !write)) throw new AclRuleError(SYNTAX);
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) throw new AclRuleError(SYNTAX);
    const existing = this.keyPatterns.find((p) => p.pattern === pattern);
    if (existing) {
      existing.read ||= read;
      existing.write ||= write;
    } else {
      this.keyPatterns.push({ pattern, matches: keyMatcher(pattern), read, write });
    }
    this.refresh();
  }

  private addCommandRule(allow: boolean, name: string): void {
    let rule: CommandRule;
    if (name.startsWith('@')) {
      const category = aclCategory(name.slice(1));
      if (category === undefined) throw new AclRuleError(UNKNOWN_NAME);
      rule = { allow, target: `@${category}` };
    } else {
      const spec = this.index.find(name);
      if (!spec) {
        const bar = name.lastIndexOf('|');
        const parent = bar === -1 ? undefined : this.index.find(name.slice(0, bar));
        if (parent && bar === name.length - 1) throw new AclRuleError(SYNTAX);
        if (parent?.name.includes('|')) throw new AclRuleError('Allowing first-arg of a subcommand is not supported');
        if (parent && !parent.subcommands) throw new AclRuleError('Allowing first-arg of a command is not supported by this server');
        throw new AclRuleError(UNKNOWN_NAME);
      }
      rule = { allow, target: spec.name, spec };
    }
    // An earlier rule on the same command (or on a subcommand of a container now ruled on) no
    // longer decides anything: drop it, so that the description stays short and replays exactly.
    this.rules = this.rules.filter((r) => r.target !== rule.target && !(rule.spec && r.spec?.name.startsWith(`${rule.target}|`)));
    this.rules.push(rule);
    this.refresh();
  }

  private refresh(): void {
    const allowed = new Set<CommandSpec>(this.allBase ? this.index.all : []);
    for (const r of this.rules) {
      const targets = r.spec ? [r.spec, ...this.index.subcommands(r.spec)] : this.index.inCategory(r.target.slice(1));
      for (const t of targets) {
        if (r.allow) allowed.add(t);
        else allowed.delete(t);
      }
    }
    this.allowed = allowed;
    this.allCommands = allowed.size === this.index.all.length;
    this.restricted = !this.allCommands || !this.allKeys;
  }

  /** Whether the user may authenticate with `password`: on, and nopass or a password matches. */
  accepts(password: Buffer): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    return passwordMatches(password, this.passwords);
  }

  /** Whether the user may run a command (the subcommand, when the request names one). */
  mayRun(spec: CommandSpec): boolean {
    return this.allCommands || this.allowed.has(spec);
  }

  /**
   * Whether the user may name `key` with what a command does to it (KeyFlag bits): reading its
   * value needs a read pattern, changing it a write pattern; a key neither read nor changed
   * (EXISTS, TYPE) needs any pattern that matches (ACLSelectorCheckKey).
   */
  mayAccessKey(key: Buffer, keyFlags: number): boolean {
    if (this.allKeys) return true;
    const needRead = (keyFlags & KeyFlag.ACCESS) !== 0;
    const needWrite = (keyFlags & (KeyFlag.INSERT | KeyFlag.DELETE | KeyFlag.UPDATE)) !== 0;
    for (const p of this.keyPatterns) {
      if ((needRead && !p.read) || (needWrite && !p.write)) continue;
      if (p.matches(key)) return true;
    }
    return false;
  }

  /** The user's flags, in ACL LIST's order. */
  flags(): string[] {
    const out = [this.enabled ? 'on' : 'off'];
    if (this.nopass) out.push('nopass');
    if (this.sanitize) out.push(this.sanitize);
    return out;
  }

  /** `+@all` or `-@all`, then the rules that narrow or extend it. */
  commandsDescription(): string {
    const words = [this.allBase ? '+@all' : '-@all'];
    for (const r of this.rules) words.push(`${r.allow ? '+' : '-'}${r.target}`);
    return words.join(' ');
  }

  keysDescription(): string {
    if (this.allKeys) return '~*';
    return this.keyPatterns.map((p) => `${p.read && p.write ? '~' : p.read ? '%R~' : '%W~'}${p.pattern}`).join(' ');
  }

  channelsDescription(): string {
    if (this.allChannels) return '&*';
    return this.channels.map((c) => `&${c}`).join(' ');
  }

  /** The rules that recreate this user, as ACL LIST and the ACL file write them (after `user <name>`). */
  describe(): string {
    const words = [...this.flags(), ...this.passwords.map((h) => `#${h}`)];
    const keys = this.keysDescription();
    if (keys) words.push(keys);
    words.push(this.allChannels ? '&*' : ['resetchannels', ...this.channels.map((c) => `&${c}`)].join(' '));
    words.push(this.commandsDescription());
    return words.join(' ');
  }
}
