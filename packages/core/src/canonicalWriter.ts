import { escapedRoom, utf8Room, writeEscaped, writeUtf8 } from './jsonBytes.js';
import { type KeyOrder, type Opening, quote, sameKeys, shapeOf } from './keyShapes.js';
import {
  checkScalar,
  fromNonPlain,
  hasSymbolKey,
  isPlainPrototype,
  MAX_DEPTH,
  Unrepresentable,
  withStep,
} from './unrepresentable.js';

// 1 for the ASCII characters JSON writes as they are: not a control character, quote or backslash.
const PLAIN_ASCII = new Uint8Array(0x80).fill(1, 0x20);
PLAIN_ASCII[0x22] = 0;
PLAIN_ASCII[0x5c] = 0;

/** Takes each full buffer of canonical JSON as UTF-8 bytes (never inside a character); valid only during the call. */
export type Flush = (bytes: Uint8Array) => void;

// Writes canonical JSON by hand as UTF-8 into a byte buffer, handing full buffers to `flush` (a
// hash takes the bytes as they are, so the text is never built as a string and then encoded: the
// hash of a 128 KB order took 650-750 µs through strings, 440 through bytes). Object keys are
// quoted once per shape: arrays of records share one, so most objects cost a key comparison per property.
export class CanonicalWriter {
  bytes: Uint8Array;
  // The same bytes, to write 32-bit words at any offset.
  view: DataView;
  length = 0;
  // The keys of the last object seen and their members' openings (`{"a":`, `,"b":`) in
  // canonical order, with the keys in that order.
  #lastKeys: readonly string[] = [];
  #openings: readonly Opening[] = [];
  #ordered: readonly string[] = [];
  #positions: readonly number[] = [];
  readonly #codeUnit: boolean;
  readonly #flush: Flush | undefined;

  // A buffer kept between calls keeps its view too (a DataView takes 50 ns to make).
  constructor(
    order: KeyOrder,
    flush: Flush | undefined,
    bytes: Uint8Array,
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  ) {
    this.#codeUnit = order === 'codeUnit';
    this.#flush = flush;
    this.bytes = bytes;
    this.view = view;
  }

  // Makes room for `bytes` more: hands the full buffer to `flush`, or grows it.
  #reserve(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return;
    if (this.#flush !== undefined && this.length > 0) {
      this.#flush(this.bytes.subarray(0, this.length));
      this.length = 0;
      if (bytes <= this.bytes.length) return;
    }
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + bytes));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  // Writes whole words: the padding past the opening is overwritten by what follows.
  #copy(opening: Opening): void {
    const words = opening.words;
    this.#reserve(words.length * 4);
    const view = this.view;
    let at = this.length;
    for (let index = 0; index < words.length; index++, at += 4) view.setUint32(at, words[index] as number, true);
    this.length += opening.length;
  }

  // A number as JSON.stringify writes it; the digits of a safe integer without a string.
  #number(value: number): void {
    if (!Number.isSafeInteger(value)) {
      this.#text(`${value}`);
      return;
    }
    this.#reserve(17); // 2 ** 53 has 16 digits, and a sign
    const bytes = this.bytes;
    let rest = value;
    if (rest < 0) {
      bytes[this.length++] = 0x2d; // -
      rest = -rest;
    }
    let digits = 1;
    for (let bound = 10; bound <= rest; bound *= 10) digits++;
    const end = this.length + digits;
    if (rest <= 0x7fffffff) {
      // Small integers (most in payloads) in 32-bit arithmetic, without floating-point division.
      for (let at = end - 1; at >= this.length; at--) {
        const tenth = (rest / 10) | 0;
        bytes[at] = 0x30 + rest - tenth * 10;
        rest = tenth;
      }
    } else {
      for (let at = end - 1; at >= this.length; at--) {
        bytes[at] = 0x30 + (rest % 10);
        rest = Math.floor(rest / 10);
      }
    }
    this.length = end;
  }

  #byte(code: number): void {
    if (this.length === this.bytes.length) this.#reserve(1);
    this.bytes[this.length++] = code;
  }

  // Text that is already JSON (a number, a quoted key, `true`), as UTF-8.
  #text(text: string): void {
    this.#reserve(utf8Room(text.length));
    this.length = writeUtf8(text, this.bytes, this.length);
  }

  // A string value between quotes. Plain ASCII (most payload strings) is copied as it is scanned;
  // from the first character that is not, the rest is written with JSON.stringify's escapes.
  #string(text: string): void {
    this.#reserve(utf8Room(text.length));
    let bytes = this.bytes;
    let at = this.length;
    bytes[at++] = 0x22;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code >= 0x80 || PLAIN_ASCII[code] === 0) {
        this.length = at;
        this.#reserve(escapedRoom(text.length - index));
        bytes = this.bytes;
        at = writeEscaped(text, index, bytes, this.length);
        break;
      }
      bytes[at++] = code;
    }
    bytes[at++] = 0x22;
    this.length = at;
  }

  #shape(keys: string[]): void {
    if (sameKeys(keys, this.#lastKeys)) return;
    const shape = shapeOf(keys, this.#codeUnit);
    this.#lastKeys = keys;
    this.#ordered = shape.ordered;
    this.#positions = shape.positions;
    this.#openings = shape.openings;
  }

  write(input: unknown, depth: number): void {
    switch (typeof input) {
      case 'string':
        this.#string(input);
        return;
      case 'number':
        if (!Number.isFinite(input)) throw new Unrepresentable(String(input));
        this.#number(input);
        return;
      case 'boolean':
        this.#text(input ? 'true' : 'false');
        return;
      case 'object':
        break;
      default:
        checkScalar(input);
        return;
    }
    if (input === null) {
      this.#text('null');
      return;
    }
    if (depth > MAX_DEPTH) throw new Unrepresentable('too deep');
    if (Array.isArray(input)) {
      this.#array(input, depth);
      return;
    }
    if (!isPlainPrototype(Object.getPrototypeOf(input))) {
      this.#string(fromNonPlain(input));
      return;
    }
    this.#object(input as Record<string, unknown>, depth);
  }

  #array(input: readonly unknown[], depth: number): void {
    let index = 0;
    try {
      this.#byte(0x5b); // [
      for (; index < input.length; index++) {
        const item = input[index];
        if (item === undefined) throw new Unrepresentable(index in input ? 'undefined' : 'a hole');
        if (index > 0) this.#byte(0x2c); // ,
        this.write(item, depth + 1);
      }
      this.#byte(0x5d); // ]
    } catch (error) {
      throw withStep(error, index);
    }
  }

  #object(input: Record<string, unknown>, depth: number): void {
    if (hasSymbolKey(input)) throw new Unrepresentable('an object with a symbol key');
    const keys = Object.keys(input);
    this.#shape(keys);
    // Nested objects change the shape: keep this one's.
    const ordered = this.#ordered;
    const positions = this.#positions;
    const openings = this.#openings;
    // All values in one native read, in Object.keys order (17 ns an object of 7 against 37 by
    // name; 128 KB of order lines hashed in 394 µs instead of 407). Object.values lists the keys
    // again and skips any a getter deleted meanwhile: a count short of the keys' reads them again
    // by name. A getter that changes the object while it is read leaves a mixed state either
    // way, as with reads by name; a payload parsed from JSON has no getter.
    const values = Object.values(input);
    const inOrder = values.length === keys.length;

    let key = '';
    let written = 0;
    try {
      for (let index = 0; index < ordered.length; index++) {
        key = ordered[index] as string;
        const item = inOrder ? values[positions[index] as number] : input[key];
        if (item === undefined) continue;
        // The shape's openings hold for every member written; an undefined member before shifts them.
        if ((written === 0) === (index === 0)) this.#copy(openings[index] as Opening);
        else this.#text(`${written === 0 ? '{' : ','}${quote(key)}:`);
        written++;
        this.write(item, depth + 1);
      }
    } catch (error) {
      throw withStep(error, key);
    }
    if (written === 0) this.#byte(0x7b); // {
    this.#byte(0x7d); // }
  }
}
