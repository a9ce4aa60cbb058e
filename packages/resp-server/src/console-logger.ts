import type { LogFields, LogLevel, Logger } from '@modelkv/core';

const MARKS: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Log lines in redis-server's format (`pid:M 29 Nov 2025 01:02:03.456 * message`), fields
 * appended as `key=value`, written to a stream (stdout by default, as Redis does).
 */
export function consoleLogger(minimum: LogLevel = 'notice', out: NodeJS.WritableStream = process.stdout): Logger {
  const write = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (RANK[level] < RANK[minimum]) return;
    const extra = fields
      ? Object.entries(fields)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => ` ${k}=${String(v)}`)
          .join('')
      : '';
    out.write(`${process.pid}:M ${timestamp(new Date())} ${MARKS[level]} ${message}${extra}\n`);
  };
  return {
    debug: (m, f) => {
      write('debug', m, f);
    },
    verbose: (m, f) => {
      write('verbose', m, f);
    },
    notice: (m, f) => {
      write('notice', m, f);
    },
    warning: (m, f) => {
      write('warning', m, f);
    },
  };
}

function timestamp(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
