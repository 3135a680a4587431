/**
 * Anything with these four methods; the Powertools Logger fits, and so does `console`.
 *
 * @example
 * ```ts
 * makeIdempotent(fn, { store, logger: new Logger({ serviceName: 'payments' }) });
 * ```
 */
export interface IdempotencyLogger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

const ignore = (): void => {};

/** The default logger: says nothing. */
export const silentLogger: IdempotencyLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
