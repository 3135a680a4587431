// JSON text written as UTF-8 straight into a byte buffer: each function writes from `at` and
// returns where it stopped; the caller has made room.

/** Room for `chars` UTF-16 code units of text that needs no escape: at most 3 UTF-8 bytes each (a surrogate pair is 2 units for 4 bytes), and two quotes. */
export const utf8Room = (chars: number): number => chars * 3 + 2;

/** Room for `chars` code units of a string written with escapes: at most 6 bytes each (`\u001f`, a lone surrogate), and a closing quote. */
export const escapedRoom = (chars: number): number => chars * 6 + 1;

/**
 * Writes text that is already JSON (a number, a quoted key, a string JSON.stringify escaped) as
 * UTF-8. It holds no lone surrogate: JSON.stringify escapes them.
 */
export const writeUtf8 = (text: string, bytes: Uint8Array, start: number): number => {
  let at = start;
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code < 0x80) {
      bytes[at++] = code;
    } else if (code < 0x800) {
      bytes[at++] = 0xc0 | (code >> 6);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else if (code >= 0xd800 && code <= 0xdbff) {
      code = 0x10000 + ((code - 0xd800) << 10) + (text.charCodeAt(++index) - 0xdc00);
      bytes[at++] = 0xf0 | (code >> 18);
      bytes[at++] = 0x80 | ((code >> 12) & 0x3f);
      bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else {
      bytes[at++] = 0xe0 | (code >> 12);
      bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[at++] = 0x80 | (code & 0x3f);
    }
  }
  return at;
};

const HEX = new TextEncoder().encode('0123456789abcdef');

// `\u` and four lowercase hex digits, as JSON.stringify escapes a control character or a lone surrogate.
const writeUnicodeEscape = (code: number, bytes: Uint8Array, start: number): number => {
  let at = start;
  bytes[at++] = 0x5c; // \
  bytes[at++] = 0x75; // u
  bytes[at++] = HEX[code >> 12] as number;
  bytes[at++] = HEX[(code >> 8) & 0xf] as number;
  bytes[at++] = HEX[(code >> 4) & 0xf] as number;
  bytes[at++] = HEX[code & 0xf] as number;
  return at;
};

// The short escapes JSON.stringify writes (`\b`, `\t`, `\n`, `\f`, `\r`), by code; 0 for none.
const SHORT_ESCAPES = new Uint8Array(0x20);
SHORT_ESCAPES[0x08] = 0x62;
SHORT_ESCAPES[0x09] = 0x74;
SHORT_ESCAPES[0x0a] = 0x6e;
SHORT_ESCAPES[0x0c] = 0x66;
SHORT_ESCAPES[0x0d] = 0x72;

/**
 * Writes the string `text` from code unit `from` on as JSON.stringify writes it between quotes
 * (no quotes): `"` and `\` escaped, control characters as short escapes or `\u00xx`, lone
 * surrogates as `\udxxx`, everything else as UTF-8. The reference property test compares it
 * with JSON.stringify over full Unicode and lone surrogates.
 */
export const writeEscaped = (text: string, from: number, bytes: Uint8Array, start: number): number => {
  let at = start;
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      if (code === 0x22 || code === 0x5c) {
        bytes[at++] = 0x5c;
        bytes[at++] = code;
      } else if (code >= 0x20) {
        bytes[at++] = code;
      } else if (SHORT_ESCAPES[code] !== 0) {
        bytes[at++] = 0x5c;
        bytes[at++] = SHORT_ESCAPES[code] as number;
      } else {
        at = writeUnicodeEscape(code, bytes, at);
      }
    } else if (code < 0x800) {
      bytes[at++] = 0xc0 | (code >> 6);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else if (code < 0xd800 || code > 0xdfff) {
      bytes[at++] = 0xe0 | (code >> 12);
      bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else {
      const next = text.charCodeAt(index + 1); // NaN past the end
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        at = writeUnicodeEscape(code, bytes, at);
        continue;
      }
      const point = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
      index++;
      bytes[at++] = 0xf0 | (point >> 18);
      bytes[at++] = 0x80 | ((point >> 12) & 0x3f);
      bytes[at++] = 0x80 | ((point >> 6) & 0x3f);
      bytes[at++] = 0x80 | (point & 0x3f);
    }
  }
  return at;
};
