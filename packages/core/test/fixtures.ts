import type { LambdaContextLike } from '@oncely/core/engine';

/** A Lambda context whose remaining time counts down from `remainingMs` in real time. */
export const lambdaContext = ({
  remainingMs = 30_000,
  functionName = 'test-fn',
} = {}): LambdaContextLike & {
  functionName: string;
  awsRequestId: string;
} => {
  const deadlineMs = Date.now() + remainingMs;
  return {
    functionName,
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
};

/** An API Gateway-shaped event with a parsed JSON body. */
export const orderEvent = (body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  headers,
  requestContext: { requestId: `r-${Math.random().toString(36).slice(2)}` },
  body,
});

/** Collects log lines, for assertions on what was logged. */
export const recordingLogger = () => {
  const lines: { level: string; message: string; extra: unknown[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: unknown[]) => {
      lines.push({ level, message, extra });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};

/** A promise with its resolver, to hold a handler mid-flight. */
export const deferred = <T = void>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};
