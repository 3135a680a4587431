import type { Completion, LockRequest } from '@oncely/core';

/** What a handler does once it has run for its duration. */
export type HandlerOutcome = 'ok' | 'throw' | 'cachedThrow' | 'bigint' | 'huge';

/** One call of a wrapped handler, as the scenario planned it. */
export interface PlannedCall {
  readonly callId: string;
  readonly key: string;
  readonly startMs: number;
  /** Epoch ms at which the Lambda running the call is killed; `Infinity` without a Lambda context. */
  readonly deadlineMs: number;
  readonly outcome: HandlerOutcome;
}

interface Execution {
  readonly call: PlannedCall;
  readonly owner: string;
  readonly startMs: number;
  endMs?: number;
  ended?: 'returned' | 'threw' | 'killed';
  result?: unknown;
}

interface StoredOutcome {
  readonly atMs: number;
  readonly expiresMs: number;
  readonly data: string | undefined;
  readonly error: string | undefined;
  readonly notStored: string | undefined;
}

// What the model knows of one owner token (one acquire round of one call).
interface Owner {
  readonly name: string;
  readonly key: string;
  readonly callId: string;
  /** The latest lock end the store acknowledged to the engine (acquire or extend). */
  ackedUntilMs: number;
  /** The lock's end as written by applied lock writes while the owner had no stored outcome. */
  heldUntilMs: number;
  /** When an applied release or completion ended the lock (cleared by a later applied lock write). */
  endedAtMs: number | undefined;
  stored: StoredOutcome | undefined;
  /** A transient fault was injected into one of its completion writes (the outcome may be lost). */
  completeFaulted: boolean;
  /** A fault was injected into one of its lease renewals (the lease may lapse). */
  extendFaulted: boolean;
  /** Another owner's lock write was applied after its own (its outcome write is then refused). */
  takenOver: boolean;
}

/** Short JSON of a value for the timeline (BigInt shown as `10n`). */
export const show = (value: unknown): string =>
  String(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).slice(0, 70);

type Settled = { value: unknown } | { error: unknown };

/**
 * The reference model: records what the chaos store applied and what the handlers did, and
 * checks the three properties of issue 13 as events arrive. Times are printed relative to the
 * scenario's start.
 */
export class Model {
  readonly timeline: string[] = [];
  readonly violations: string[] = [];
  readonly #t0: number;
  readonly #calls = new Map<string, PlannedCall>();
  readonly #executions = new Map<string, Execution>();
  readonly #owners = new Map<string, Owner>();
  readonly #ownerOfCall = new Map<string, string>();
  readonly #settled = new Map<string, Settled>();
  readonly #keyNames = new Map<string, string>();

  readonly #expiresAfterMs: number;

  constructor(t0: number, expiresAfterSeconds: number) {
    this.#t0 = t0;
    this.#expiresAfterMs = expiresAfterSeconds * 1000;
  }

  plan(call: PlannedCall): void {
    this.#calls.set(call.callId, call);
  }

  log(line: string): void {
    this.timeline.push(`${this.at(Date.now())} ${line}`);
  }

  ownerName(owner: string | undefined): string {
    return owner === undefined ? '-' : (this.#owners.get(owner)?.name ?? `?${owner.slice(0, 4)}`);
  }

  /** The scenario's name (`a`, `b`) of a store key. */
  keyName(storeKey: string): string {
    return this.#keyNames.get(storeKey) ?? storeKey;
  }

  /** A lock write reached the store (`acquire` called); binds the owner token to its call. */
  lockRequested(lock: LockRequest, callId: string | undefined): void {
    const call = callId === undefined ? undefined : this.#calls.get(callId);
    if (this.#owners.has(lock.owner) || call === undefined) return;
    this.#keyNames.set(lock.key, call.key);
    this.#owners.set(lock.owner, {
      name: `o${this.#owners.size + 1}`,
      key: call.key,
      callId: call.callId,
      ackedUntilMs: Number.NEGATIVE_INFINITY,
      heldUntilMs: Number.NEGATIVE_INFINITY,
      endedAtMs: undefined,
      stored: undefined,
      completeFaulted: false,
      extendFaulted: false,
      takenOver: false,
    });
  }

  lockApplied(owner: string, lockedUntilMs: number): void {
    const state = this.#owners.get(owner);
    if (state === undefined) return;
    if (state.stored !== undefined) {
      this.log(`!! a lock write of ${state.name} was applied over its own COMPLETED record`);
      return;
    }
    // Stores never move an owner's lock end back (a late copy of an earlier write is a no-op).
    state.heldUntilMs = Math.max(state.heldUntilMs, lockedUntilMs);
    state.endedAtMs = undefined;
    for (const [name, other] of this.#owners) {
      const running = this.#executions.get(other.callId);
      if (other !== state && other.key === state.key && running?.owner === name && running.ended === undefined) {
        other.takenOver = true;
      }
    }
  }

  lockAcknowledged(owner: string, lockedUntilMs: number, acquired: boolean): void {
    const state = this.#owners.get(owner);
    if (state === undefined) return;
    state.ackedUntilMs = Math.max(state.ackedUntilMs, lockedUntilMs);
    if (acquired) this.#ownerOfCall.set(state.callId, owner);
  }

  released(owner: string): void {
    const state = this.#owners.get(owner);
    if (state !== undefined && state.stored === undefined) state.endedAtMs = Date.now();
  }

  completed(completion: Completion): void {
    const state = this.#owners.get(completion.owner);
    if (state === undefined || state.stored !== undefined) return;
    const nowMs = Date.now();
    for (const other of this.#owners.values()) {
      if (other === state || other.key !== state.key || other.stored === undefined) continue;
      if (other.stored.expiresMs > nowMs) {
        this.#violate(
          `two outcomes stored for key ${state.key}: ${state.name} completed while the outcome of ${other.name} ` +
            `lives until ${this.at(other.stored.expiresMs)}, so replays change value`,
        );
      }
    }
    state.stored = {
      atMs: nowMs,
      expiresMs: completion.expiresAtSec * 1000,
      data: completion.data,
      error: completion.error,
      notStored: (completion as { notStored?: string }).notStored,
    };
    state.endedAtMs = nowMs;
  }

  faulted(operation: string, owner: string | undefined, transient: boolean): void {
    const state = owner === undefined ? undefined : this.#owners.get(owner);
    if (state === undefined) return;
    if (operation === 'complete' && transient) state.completeFaulted = true;
    if (operation === 'extend') state.extendFaulted = true;
  }

  handlerStarted(callId: string): void {
    const call = this.#mustCall(callId);
    const nowMs = Date.now();
    const owner = this.#ownerOfCall.get(callId);
    this.log(`${callId} handler starts (key ${call.key}, owner ${this.ownerName(owner)})`);
    if (owner === undefined) {
      this.#violate(`${callId} ran its handler without an acknowledged lock`);
      return;
    }
    this.#executions.set(callId, { call, owner, startMs: nowMs });
    for (const other of this.#executions.values()) {
      if (other.call.callId === callId || other.call.key !== call.key) continue;
      const reason = this.#stillOwns(other, nowMs);
      if (reason !== undefined) this.#violate(`${callId} ran key ${call.key} although ${reason}`);
    }
  }

  handlerEnded(callId: string, ended: 'returned' | 'threw' | 'killed', result?: unknown): void {
    const execution = this.#executions.get(callId);
    if (execution === undefined) return;
    execution.ended = ended;
    execution.result = result;
    execution.endMs = ended === 'killed' ? execution.call.deadlineMs : Date.now();
    this.log(`${callId} handler ${ended}`);
  }

  callSettled(callId: string, settled: Settled): void {
    const call = this.#mustCall(callId);
    this.#settled.set(callId, settled);
    const nowMs = Date.now();
    if ('value' in settled) {
      this.log(`${callId} answered ${show(settled.value)}`);
      this.#checkAnswer(call, settled.value, nowMs);
      return;
    }
    const error = settled.error as { name?: string; message?: string; replayed?: boolean };
    this.log(`${callId} failed: ${error.name}: ${error.message?.slice(0, 90)}`);
    switch (error.name) {
      case 'IdempotencyPersistenceError':
      case 'IdempotencyResultNotStoredError':
        return;
      case 'IdempotencyAlreadyInProgressError':
        this.#checkRefusal(call, nowMs);
        return;
      case 'HandlerFailure':
      case 'CachedFailure': {
        const origin = /from (c\d+)/.exec(error.message ?? '')?.[1];
        if (origin === callId && error.replayed !== true) return;
        this.#checkReplay(call, origin, nowMs, (stored) => stored.error !== undefined);
        return;
      }
      default:
        this.#violate(`${callId} failed with an unexpected error: ${error.name}: ${error.message}`);
    }
  }

  /** True when every planned call got an answer or had its Lambda killed. */
  allAnswered(): boolean {
    for (const call of this.#calls.values()) {
      if (!this.#settled.has(call.callId) && this.#executions.get(call.callId)?.ended !== 'killed') return false;
    }
    return true;
  }

  /** Checks what is left at the end of a run: every call whose Lambda was not killed got an answer. */
  finish(): void {
    for (const call of this.#calls.values()) {
      const execution = this.#executions.get(call.callId);
      if (this.#settled.has(call.callId) || execution?.ended === 'killed') continue;
      this.#violate(`${call.callId} never got an answer`);
    }
  }

  report(): string {
    return [...this.violations.map((v) => `VIOLATION ${v}`), 'timeline:', ...this.timeline].join('\n');
  }

  // Why `other` still owns its key at `nowMs`, or undefined when a new execution may run.
  #stillOwns(other: Execution, nowMs: number): string | undefined {
    const owner = this.#owner(other.owner);
    const name = `${other.call.callId} (${owner.name})`;
    if (owner.stored !== undefined && owner.stored.atMs <= nowMs && nowMs < owner.stored.expiresMs) {
      return `the COMPLETED record of ${name} lives until ${this.at(owner.stored.expiresMs)}`;
    }
    // A killed Lambda runs nothing after its deadline.
    if (other.ended === undefined && nowMs <= other.call.deadlineMs) {
      if (nowMs <= owner.ackedUntilMs)
        return `${name} is running and holds the lock until ${this.at(owner.ackedUntilMs)}`;
      if (other.call.deadlineMs === Number.POSITIVE_INFINITY && !owner.extendFaulted) {
        return `${name} is running without a Lambda context and its lease ended at ${this.at(owner.ackedUntilMs)} with no failed renewal`;
      }
    }
    if (other.ended === 'returned' && owner.stored === undefined) {
      // The outcome had to be stored (as a result, or as "not stored") with a record living at least this long.
      const endMs = other.endMs ?? 0;
      const recordLivesUntilMs = Math.floor(endMs / 1000) * 1000 + this.#expiresAfterMs;
      const lockLapsed = nowMs > owner.ackedUntilMs;
      // Lost for a reason reported on its own: a store fault, a lapsed lock, or a takeover.
      const outcomeLost = owner.completeFaulted || owner.takenOver || endMs > owner.ackedUntilMs;
      if (nowMs < recordLivesUntilMs && !(lockLapsed && outcomeLost)) {
        return (
          `${name} returned at ${this.at(endMs)} and its outcome was never stored ` +
          `(lock until ${this.at(owner.ackedUntilMs)}, store faults on completion: ${owner.completeFaulted})`
        );
      }
    }
    return undefined;
  }

  #checkAnswer(call: PlannedCall, value: unknown, nowMs: number): void {
    const origin = (value as { callId?: unknown } | null)?.callId;
    if (origin === call.callId) {
      if (!this.#executions.has(call.callId)) this.#violate(`${call.callId} answered its own result without running`);
      return;
    }
    this.#checkReplay(call, typeof origin === 'string' ? origin : undefined, nowMs, (stored) => {
      if (stored.data === undefined) return false;
      return JSON.stringify(JSON.parse(stored.data)) === JSON.stringify(value);
    });
  }

  // A replay must come from an outcome stored for the same key that lived during the call.
  #checkReplay(
    call: PlannedCall,
    origin: string | undefined,
    nowMs: number,
    matches: (stored: StoredOutcome) => boolean,
  ): void {
    const execution = origin === undefined ? undefined : this.#executions.get(origin);
    const stored = execution && this.#owner(execution.owner).stored;
    const ok =
      execution !== undefined &&
      execution.call.key === call.key &&
      stored !== undefined &&
      stored.atMs <= nowMs &&
      stored.expiresMs > call.startMs &&
      matches(stored);
    if (!ok) {
      this.#violate(
        `${call.callId} got a replay of ${origin ?? 'an unknown call'} that is not the outcome stored for key ${call.key}`,
      );
    }
  }

  // A refusal as "in progress" needs a lock of the key that was written, not ended, and lasts past now.
  #checkRefusal(call: PlannedCall, nowMs: number): void {
    const holders = [...this.#owners.values()].filter(
      (owner) =>
        owner.key === call.key &&
        owner.heldUntilMs >= nowMs &&
        (owner.endedAtMs === undefined || owner.endedAtMs >= nowMs),
    );
    if (holders.length === 0) {
      this.#violate(`${call.callId} was refused as in progress although no lock of key ${call.key} lasts past now`);
    }
  }

  #violate(message: string): void {
    this.log(`!! VIOLATION ${message}`);
    this.violations.push(`${this.at(Date.now())} ${message}`);
  }

  #owner(owner: string): Owner {
    const state = this.#owners.get(owner);
    if (state === undefined) throw new Error(`unknown owner ${owner}`);
    return state;
  }

  #mustCall(callId: string): PlannedCall {
    const call = this.#calls.get(callId);
    if (call === undefined) throw new Error(`unknown call ${callId}`);
    return call;
  }

  /** A time relative to the scenario's start, for the timeline. */
  at(ms: number): string {
    return Number.isFinite(ms) ? `t=${ms - this.#t0}` : String(ms);
  }
}
