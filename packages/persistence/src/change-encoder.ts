import type { StoreChange } from '@modelkv/core';
import { changeCommand } from './aof-commands.js';
import type { Arg } from './frame-buffer.js';

/**
 * Turns the keyspace's changes into append-only-file commands: one per change, and a group of
 * changes (a transaction, a run's outputs) as MULTI ... EXEC, written only when the group
 * changed something.
 */
export class ChangeEncoder {
  private inGroup = false;
  private multiWritten = false;

  constructor(private readonly emit: (args: readonly Arg[]) => void) {}

  readonly onChange = (change: StoreChange): void => {
    switch (change.type) {
      case 'begin':
        this.inGroup = true;
        this.multiWritten = false;
        return;
      case 'end':
        if (this.multiWritten) this.emit(['EXEC']);
        this.inGroup = false;
        this.multiWritten = false;
        return;
      default:
        if (this.inGroup && !this.multiWritten) {
          this.multiWritten = true;
          this.emit(['MULTI']);
        }
        this.emit(changeCommand(change));
    }
  };

  /** Whether changes of an unfinished group are being seen (no rewrite or view may start now). */
  get grouping(): boolean {
    return this.inGroup;
  }
}
