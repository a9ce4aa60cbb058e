import { type AofOperation, parseAofCommand } from './aof-commands.js';
import { AofReader } from './aof-reader.js';
import { FileReader, UnexpectedEof } from './file-reader.js';
import { SNAPSHOT_MAGIC } from './snapshot-format.js';
import { FormatError, SnapshotReader, startsWithSnapshot } from './snapshot-reader.js';

export interface AofCheck {
  readonly size: number;
  /** Bytes from the start that make whole commands (and whole transactions). */
  readonly okUpTo: number;
  /** Commands in the valid part. */
  readonly commands: number;
  /** Why the file is not valid past `okUpTo`; undefined when it is valid. */
  readonly problem: string | undefined;
  /** Whether the problem is only a cut-off end (what the server loads with aof-load-truncated). */
  readonly truncatedTail: boolean;
}

/** Tensors of any size pass the check: the server's own limit is applied when it loads. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Reads an append-only file the way the server loads it, without loading anything: the snapshot
 * preamble's checksums, every command's framing and arguments, MULTI / EXEC pairs.
 */
export async function checkAof(path: string): Promise<AofCheck> {
  const reader = await FileReader.open(path);
  let okUpTo = 0;
  let commands = 0;
  let transaction: number | undefined;
  const result = (problem: string | undefined, truncatedTail: boolean): AofCheck => ({
    size: reader.size,
    okUpTo: problem === undefined ? reader.size : okUpTo,
    commands,
    problem,
    truncatedTail,
  });
  try {
    if ((await reader.fill(SNAPSHOT_MAGIC.length)) && startsWithSnapshot(reader.peek())) {
      const snapshot = new SnapshotReader(reader, NO_LIMIT);
      try {
        await snapshot.readHeader();
        while ((await snapshot.next()) !== undefined) commands++;
      } catch (err) {
        if (err instanceof FormatError) return result(`the snapshot preamble is damaged: ${err.message}`, false);
        if (err instanceof UnexpectedEof) return result(`the snapshot preamble is cut short at offset ${snapshot.recordOffset}`, false);
        return result(`the snapshot preamble cannot be read at offset ${snapshot.recordOffset}: ${describe(err)}`, false);
      }
      okUpTo = reader.offset;
    }
    const aof = new AofReader(reader);
    for (;;) {
      let cmd;
      try {
        cmd = await aof.next();
      } catch (err) {
        if (err instanceof UnexpectedEof) {
          if (transaction !== undefined) okUpTo = transaction;
          return result(`the file ends inside a command (after offset ${okUpTo})`, true);
        }
        if (err instanceof FormatError) return result(`bad format at offset ${err.offset}: ${err.reason}`, false);
        throw err;
      }
      if (cmd === undefined) break;
      let op: AofOperation;
      try {
        op = parseAofCommand(cmd.argv, NO_LIMIT);
      } catch (err) {
        return result(`bad command at offset ${cmd.start}: ${describe(err)}`, false);
      }
      if (op.op === 'multi') {
        if (transaction !== undefined) return result(`MULTI inside MULTI at offset ${cmd.start}`, false);
        transaction = cmd.start;
        continue;
      }
      if (op.op === 'exec') {
        if (transaction === undefined) return result(`EXEC without MULTI at offset ${cmd.start}`, false);
        transaction = undefined;
      }
      commands++;
      if (transaction === undefined) okUpTo = cmd.end;
    }
    if (transaction !== undefined) {
      okUpTo = transaction;
      return result(`the file ends inside a transaction (MULTI at offset ${transaction})`, true);
    }
    return result(undefined, false);
  } finally {
    await reader.close();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
