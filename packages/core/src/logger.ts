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

/**
 * A logger that says nothing. Pass it as `logger` to silence oncely entirely (not advised: lost
 * protection would then go unnoticed).
 *
 * @example
 * ```ts
 * makeIdempotent(fn, { store, logger: silentLogger });
 * ```
 */
export const silentLogger: IdempotencyLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/**
 * The default logger: warnings and errors go to `console` (so lost protection is never silent);
 * debug and info are dropped. The only place oncely's code calls `console`.
 *
 * @example
 * ```ts
 * consoleLogger.warn('No idempotency key in the payload', { keyPrefix: 'payments' });
 * ```
 */
export const consoleLogger: IdempotencyLogger = {
  debug: ignore,
  info: ignore,
  // Looked up at each call, so a console replaced later (a test spy, a log shipper) is used.
  warn: (message, ...extra) => console.warn(`[oncely] ${message}`, ...extra),
  error: (message, ...extra) => console.error(`[oncely] ${message}`, ...extra),
};
