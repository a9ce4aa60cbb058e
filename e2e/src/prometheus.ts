// Scraping a Prometheus endpoint over HTTP and reading the text exposition format (version
// 0.0.4): `# HELP`/`# TYPE` lines and samples `name{label="value",...} value`.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: readonly Sample[];
  /** `counter`, `gauge`, `histogram`... by metric family name. */
  readonly types: ReadonlyMap<string, string>;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP request to 127.0.0.1:`port`. */
export function httpRequest(port: number, path: string, method = 'GET'): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** `GET /metrics`, checked to be 200 in the Prometheus text format, parsed. */
export async function scrape(port: number): Promise<Exposition> {
  const res = await httpRequest(port, '/metrics');
  assert.equal(res.status, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parseExposition(res.body);
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/y;

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      else assert.match(line, /^# HELP \S+ /, `comment line: ${line}`);
      continue;
    }
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const l = LABEL.exec(body);
      assert.ok(l, `bad labels in: ${line}`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    // Prometheus reads special values as Go's ParseFloat does, ignoring case (prom-client writes `Nan`).
    const raw = m[3]!.toLowerCase();
    const value = raw === '+inf' ? Infinity : raw === '-inf' ? -Infinity : Number(raw);
    assert.ok(!Number.isNaN(value) || raw === 'nan', `bad value in: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, types };
}

/** The samples named `name` whose labels include `labels`. */
export function find(e: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The one sample named `name` with exactly `labels` (besides none else); fails unless there is exactly one. */
export function value(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const hits = find(e, name, labels).filter((s) => Object.keys(s.labels).length === Object.keys(labels).length);
  assert.equal(hits.length, 1, `one sample ${name}${JSON.stringify(labels)}; found ${hits.length}`);
  return hits[0]!.value;
}

/** A histogram's buckets (by `le`, in order), count and sum for one label set, checked for consistency. */
export function histogram(
  e: Exposition,
  name: string,
  labels: Record<string, string>,
): { buckets: [number, number][]; count: number; sum: number } {
  const buckets = find(e, `${name}_bucket`, labels)
    .map((s): [number, number] => [s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), s.value])
    .sort((a, b) => a[0] - b[0]);
  assert.ok(buckets.length > 1, `${name}${JSON.stringify(labels)} has buckets`);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]![1] >= buckets[i - 1]![1], `${name} buckets are cumulative`);
  const count = value(e, `${name}_count`, labels);
  assert.equal(buckets.at(-1)![0], Infinity);
  assert.equal(buckets.at(-1)![1], count, `${name}: the +Inf bucket holds every observation`);
  return { buckets, count, sum: value(e, `${name}_sum`, labels) };
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}
