/**
 * Where the engine and the server report what happens. Levels are Redis's: `debug` for
 * developers, `verbose` for detail an operator rarely needs, `notice` for what an operator wants
 * to see in production, `warning` for what needs attention. Fields are structured context
 * (a key, a backend, a client address); implementations decide how to print them.
 */
export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'verbose', 'notice', 'warning'];

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  verbose(message: string, fields?: LogFields): void;
  notice(message: string, fields?: LogFields): void;
  warning(message: string, fields?: LogFields): void;
}

/** A logger that drops everything: the default when none is given (in-process use, tests). */
export const silentLogger: Logger = {
  debug: () => undefined,
  verbose: () => undefined,
  notice: () => undefined,
  warning: () => undefined,
};
