// The progress line `nnspec train` redraws on a terminal: step, epoch, loss, speed, time left.

export interface ProgressState {
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs: number;
  loss: number;
  elapsedSeconds: number;
}

const BAR_WIDTH = 24;

export function formatProgress(state: ProgressState): string {
  const fraction = state.totalSteps > 0 ? Math.min(1, state.step / state.totalSteps) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  const stepsPerSecond = state.elapsedSeconds > 0 ? state.step / state.elapsedSeconds : 0;
  const secondsLeft = stepsPerSecond > 0 ? (state.totalSteps - state.step) / stepsPerSecond : NaN;
  return [
    `${bar} ${(fraction * 100).toFixed(0).padStart(3)}%`,
    `step ${state.step.toLocaleString('en-US')}/${state.totalSteps.toLocaleString('en-US')}`,
    `epoch ${state.epoch}/${state.totalEpochs}`,
    `loss ${formatNumber(state.loss)}`,
    `${formatCount(stepsPerSecond)} steps/s`,
    `${formatDuration(secondsLeft)} left`,
  ].join('  ');
}

/** A short number for a loss or a weight: 4 significant digits, exponent when small or large. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) return value.toPrecision(4);
  return value.toExponential(3);
}

function formatCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return minutes >= 60
    ? `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${rest}`
    : `${minutes}:${rest}`;
}

/** Redraws one line on a terminal, at most every `intervalMs`. */
export class ProgressLine {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly intervalMs = 100,
  ) {}

  update(state: ProgressState, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    const columns = this.stream.columns || 100;
    this.stream.write('\r' + formatProgress(state).slice(0, columns - 1) + '\x1b[K');
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
