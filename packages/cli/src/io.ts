/** What the commands read and write; the bin passes the process's, tests their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input, as text. */
  readStdin(): Promise<string>;
  /** True when standard input and output are a terminal a person can answer on. */
  interactive: boolean;
  /** Asks a yes/no question on the terminal. */
  confirm(question: string): Promise<boolean>;
  /** The clock, epoch milliseconds. */
  now(): number;
}

/** Exit codes: 0 done, 1 not found or refused, 2 usage. */
export const exitCodes = Object.freeze({ ok: 0, refused: 1, usage: 2 });
