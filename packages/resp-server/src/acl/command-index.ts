import type { CommandSpec, CommandTable } from '../command-table.js';

/**
 * The commands ACL rules are about: every command and subcommand of the table, found by full
 * name (`config|get`) and by category.
 */
export class CommandIndex {
  /** Every command and subcommand, in table order. */
  readonly all: readonly CommandSpec[];
  private readonly byCategory = new Map<string, CommandSpec[]>();

  constructor(private readonly table: CommandTable) {
    const all: CommandSpec[] = [];
    for (const spec of table.specs) {
      all.push(spec);
      if (spec.subcommands) all.push(...spec.subcommands);
    }
    this.all = all;
    for (const spec of all) {
      for (const c of spec.categories) {
        const name = c.slice(1);
        let list = this.byCategory.get(name);
        if (!list) this.byCategory.set(name, (list = []));
        list.push(spec);
      }
    }
  }

  /** A command or subcommand by full name, any case (`a|b|c` names nothing). */
  find(fullName: string): CommandSpec | undefined {
    if (fullName.indexOf('|') !== fullName.lastIndexOf('|')) return undefined;
    return this.table.getFull(fullName);
  }

  /** The commands and subcommands in a category (`read`, without the `@`). */
  inCategory(category: string): readonly CommandSpec[] {
    return this.byCategory.get(category) ?? [];
  }

  /** A container's subcommands; none for other commands. */
  subcommands(spec: CommandSpec): readonly CommandSpec[] {
    return spec.subcommands ?? [];
  }
}
