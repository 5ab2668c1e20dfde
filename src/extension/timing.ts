// Rate limits for work driven by fast events: a throttle for refreshes while training (the
// lenses, the status bar, the panel) and a debounce for checking a file as the user types.
// Plain TypeScript over timers, so the unit tests hold them.

/**
 * Runs `action` at most once every `intervalMs`. A call to `schedule` while the interval has
 * passed runs it on the next tick; calls during the interval collapse into one run at its end.
 */
export class Throttle {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private disposed = false;

  constructor(
    private readonly action: () => void,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get isPending(): boolean {
    return this.timer !== undefined;
  }

  schedule(): void {
    if (this.disposed || this.timer !== undefined) return;
    const wait = Math.max(0, this.lastRunAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** Runs the action now, whether or not a run was pending, and restarts the interval. */
  flush(): void {
    if (this.disposed) return;
    this.run();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastRunAt = this.now();
    this.action();
  }
}

/** One pending call per key, run `delayMs` after the last `schedule` for that key. */
export class KeyedDebounce<K> {
  private readonly timers = new Map<K, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly action: (key: K) => void,
    private readonly delayMs: number,
  ) {}

  schedule(key: K): void {
    this.cancel(key);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.action(key);
    }, this.delayMs));
  }

  /** Runs the pending call for `key` now, if there is one. */
  flush(key: K): void {
    if (!this.timers.has(key)) return;
    this.cancel(key);
    this.action(key);
  }

  cancel(key: K): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

export interface PacerTimings {
  /** The least time between two refreshes asked of the editor. */
  intervalMs: number;
  /**
   * After the editor has taken fresh items, how long to leave it alone so that it can finish
   * with them (resolve and draw) before the next refresh replaces them.
   */
  settleMs: number;
  /** How long to wait for the editor to take a refresh before asking again regardless. */
  unansweredMs: number;
}

/**
 * Paces refresh events for an editor that debounces them itself: VS Code waits a quarter of a
 * second after a CodeLens change event before it asks for the lenses, and another quarter after
 * that before it resolves and draws them, and each new event or answer restarts those waits. A
 * steady stream of events would postpone both forever; the pacer sends the next event only once
 * the editor has asked (`answered`) and had time to draw.
 */
export class RefreshPacer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private requested = false;
  private lastFiredAt = Number.NEGATIVE_INFINITY;
  private lastAnsweredAt = Number.NEGATIVE_INFINITY;
  private waitingForAnswer = false;
  private disposed = false;

  constructor(
    private readonly fire: () => void,
    private readonly timings: PacerTimings,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A refresh is wanted: it is sent as soon as the pacing allows. */
  request(): void {
    if (this.disposed || (this.requested && this.timer !== undefined)) return;
    this.requested = true;
    this.arm();
  }

  /** The editor has asked for fresh items. */
  answered(): void {
    this.lastAnsweredAt = this.now();
    this.waitingForAnswer = false;
    if (this.requested) this.arm();
  }

  /** Milliseconds until a refresh may be sent, 0 when it may be sent now. */
  delayUntilAllowed(): number {
    const now = this.now();
    const { intervalMs, settleMs, unansweredMs } = this.timings;
    const earliest = Math.max(
      this.lastFiredAt + intervalMs,
      this.lastAnsweredAt + settleMs,
      this.waitingForAnswer ? this.lastFiredAt + unansweredMs : Number.NEGATIVE_INFINITY,
    );
    return Math.max(0, earliest - now);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), this.delayUntilAllowed());
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.requested || this.disposed) return;
    const wait = this.delayUntilAllowed();
    if (wait > 0) {
      this.timer = setTimeout(() => this.tick(), wait);
      return;
    }
    this.requested = false;
    this.lastFiredAt = this.now();
    this.waitingForAnswer = true;
    this.fire();
  }
}
