import { ReplyError, type ScriptInfo } from '@modelkv/core';
import { isWord } from '../args.js';
import type { RespWriter } from '../resp-writer.js';

/** RedisAI 0.9's reply: `[device, source]`. */
export function writeScriptLegacy(r: RespWriter, s: ScriptInfo): void {
  r.array(2);
  r.simple(s.device);
  r.bulkString(s.source);
}

/**
 * RedisAI 1.2's reply to `[META] [SOURCE]`: the source alone (SOURCE), or `device d tag t
 * ["Entry Points" [fn...]] [source s]` (META; both; neither). Entry points are listed for
 * scripts that have them (AI.SCRIPTSTORE), as 1.2.5 on does; a script stored with AI.SCRIPTSET
 * has none and gets the reply of 1.0 to 1.2.3, which their clients parse as a flat string map.
 */
export function writeScript(r: RespWriter, s: ScriptInfo, words: readonly Buffer[]): void {
  let meta = false;
  let source = false;
  for (const w of words) {
    if (isWord(w, 'META')) meta = true;
    else if (isWord(w, 'SOURCE')) source = true;
    else throw new ReplyError(`unsupported argument '${w.toString()}': expected META or SOURCE`);
  }
  if (source && !meta) {
    r.bulkString(s.source);
    return;
  }
  const withSource = source || !meta;
  const withEntryPoints = s.entryPoints.length > 0;
  r.array(4 + (withEntryPoints ? 2 : 0) + (withSource ? 2 : 0));
  r.bulkString('device');
  r.bulkString(s.device);
  r.bulkString('tag');
  r.bulkString(s.tag);
  if (withEntryPoints) {
    r.bulkString('Entry Points');
    r.array(s.entryPoints.length);
    for (const fn of s.entryPoints) r.bulkString(fn);
  }
  if (withSource) {
    r.bulkString('source');
    r.bulkString(s.source);
  }
}
