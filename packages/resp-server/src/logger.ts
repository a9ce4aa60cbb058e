import { LOG_LEVELS, type LogFields, type LogLevel, type Logger } from '@modelkv/core';
import { type Logger as PinoLogger, destination as pinoDestination, pino, stdTimeFunctions } from 'pino';

/** The server's logger: core's Logger, whose level can change while it runs. */
export interface ServerLogger extends Logger {
  readonly level: LogLevel;
  /** The lowest level written from now on (CONFIG SET loglevel). */
  setLevel(level: LogLevel): void;
  /** Reopens the log file, e.g. after logrotate moved it (SIGHUP). */
  reopen(): void;
}

export interface LoggerOptions {
  /** Lowest level written. Default notice. */
  readonly level?: LogLevel;
  /** File to append to; '' (default) writes to stdout, as Redis's logfile does. */
  readonly file?: string;
}

/** Redis's levels as pino level numbers, in the same order. */
const PINO_LEVELS: Readonly<Record<LogLevel, number>> = { debug: 20, verbose: 25, notice: 30, warning: 40 };

type Levels = LogLevel;

/**
 * A pino logger writing JSON lines: `{"level":"notice","time":"...","pid":1,"msg":"...", ...fields}`.
 * Writes are synchronous, so that what is logged just before the process exits (an uncaught
 * exception, a failed start) is on disk when it does; the server logs events, never per command
 * at the default level, so this costs nothing on the hot path.
 */
export function createLogger(options: LoggerOptions = {}): ServerLogger {
  const file = options.file ?? '';
  const dest = pinoDestination({ dest: file === '' ? 1 : file, sync: true, append: true });
  const log: PinoLogger<Levels, true> = pino<Levels, true>(
    {
      level: options.level ?? 'notice',
      customLevels: PINO_LEVELS,
      useOnlyCustomLevels: true,
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
  const write =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (fields) log[level](fields, message);
      else log[level](message);
    };
  return {
    get level() {
      return log.level as LogLevel;
    },
    setLevel(level: LogLevel) {
      log.level = level;
    },
    reopen() {
      dest.reopen();
    },
    debug: write('debug'),
    verbose: write('verbose'),
    notice: write('notice'),
    warning: write('warning'),
  };
}

export function parseLogLevel(word: string): LogLevel | undefined {
  const w = word.toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(w) ? (w as LogLevel) : undefined;
}
