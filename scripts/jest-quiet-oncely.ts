// Without a `logger`, oncely sends its warnings and errors to console (loud by default). Most
// tests exercise those paths on purpose, and the lines would bury the output that matters
// (about 500 of them per run). They are dropped here unless ONCELY_TEST_LOGS=1; tests that
// check the default logger spy on console themselves and still see every call.
if (process.env.ONCELY_TEST_LOGS !== '1') {
  for (const level of ['warn', 'error'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('[oncely] ')) return;
      original.apply(console, args);
    };
  }
}
