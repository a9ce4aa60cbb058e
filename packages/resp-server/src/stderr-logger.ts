import { LOG_LEVELS, type LogFields, type LogLevel, type Logger } from '@modelkv/core';

const MARKS: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function timestamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getDate())} ${MONTHS[d.getMonth()]!} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * Lines in Redis's log format on stderr (`pid:M 28 Nov 2025 10:00:00.123 # message`), from
 * `minLevel` up, with the fields after the message as `key=value`.
 */
export function stderrLogger(minLevel: LogLevel = 'notice'): Logger {
  const min = LOG_LEVELS.indexOf(minLevel);
  // A closed stderr (the reader went away) must not turn every log line into an error.
  process.stderr.on('error', () => undefined);
  const write = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const extra = fields
      ? Object.entries(fields)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => ` ${k}=${String(v)}`)
          .join('')
      : '';
    process.stderr.write(`${process.pid}:M ${timestamp(new Date())} ${MARKS[level]} ${message}${extra}\n`);
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
