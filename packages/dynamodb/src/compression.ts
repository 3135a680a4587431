import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

// Brotli at quality 5, text mode. Measured on Node 20 with JSON API responses:
//   346 KB: gzip -6 -> 9.7 % in 3.5 ms; brotli q4 -> 8.1 % in 2.5 ms; brotli q11 -> 5.2 % in 600 ms
//   6.8 KB: gzip -6 -> 12.2 % in 0.24 ms; brotli q4 -> 9.7 % in 0.12 ms
// q4 beats gzip on both size and CPU; decompression is ~0.7 ms for 346 KB either way.
// q5 takes 8 % more off order-like JSON than q4 (100 KB: 12.7 KB -> 11.7 KB, 0.9 -> 1.35 ms),
// one write unit less per first call and per replay; q6 and up save little more, much slower.
const options = {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 5,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
  },
};

/**
 * Brotli-compresses JSON text.
 *
 * @example
 * ```ts
 * const bytes = compressText(JSON.stringify(result));
 * ```
 */
export const compressText = (text: string): Uint8Array => {
  const input = Buffer.from(text, 'utf8');
  return brotliCompressSync(input, {
    ...options,
    params: { ...options.params, [constants.BROTLI_PARAM_SIZE_HINT]: input.length },
  });
};

/**
 * Inverse of {@link compressText}.
 *
 * @example
 * ```ts
 * decompressText(compressText('{"a":1}')); // '{"a":1}'
 * ```
 */
export const decompressText = (bytes: Uint8Array): string => brotliDecompressSync(bytes).toString('utf8');
