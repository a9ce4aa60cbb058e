// INFO's text: `# Section` headers and `field:value` lines, CRLF-separated.
import assert from 'node:assert/strict';

export interface InfoText {
  /** Section titles in order (`Commandstats`, `Latencystats`...). */
  readonly sections: readonly string[];
  /** Every field, by name. */
  readonly fields: ReadonlyMap<string, string>;
}

export function parseInfo(text: string): InfoText {
  const sections: string[] = [];
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if (line.startsWith('# ')) {
      sections.push(line.slice(2));
      continue;
    }
    const colon = line.indexOf(':');
    assert.ok(colon > 0, `INFO line without a field name: ${line}`);
    fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return { sections, fields };
}

/** The fields whose names start with `prefix`, the prefix taken off. */
export function fieldsWithPrefix(info: InfoText, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of info.fields) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v);
  return out;
}

/** `a=1,b=2` as a map of numbers. */
export function numbersOf(value: string): Map<string, number> {
  return new Map(
    value.split(',').map((kv) => {
      const eq = kv.lastIndexOf('=');
      return [kv.slice(0, eq), Number(kv.slice(eq + 1))] as [string, number];
    }),
  );
}

/** Redis 7's `cmdstat_<name>` value. */
export const CMDSTAT_VALUE = /^calls=(\d+),usec=(\d+),usec_per_call=(\d+\.\d\d),rejected_calls=(\d+),failed_calls=(\d+)$/;
