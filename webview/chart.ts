// The panel's loss curve on a canvas: the mini-batch loss by step, drawn as a band from each
// column's smallest to largest loss with a line through the means. It keeps no more buckets
// than the plot has device pixels across, merging neighbours as the run grows, draws one point
// for every two pixels, and redraws at most once a frame.
import { formatCount, formatNumber } from '../src/protocol/format';
import type { LossBucket } from '../src/protocol/panel';
import { BucketSeries } from '../src/training/buckets';
import { toColumns } from './columns';

/** Room for the loss labels on the left and the step labels below, in CSS pixels. */
const MARGIN = { left: 64, right: 12, top: 10, bottom: 22 };

const LABEL_DIGITS = 3;

const PIXELS_PER_COLUMN = 2;

export class LossChart {
  private series: BucketSeries;
  private frameRequested = false;

  /**
   * `onNeedLoss` asks the host for the whole curve again: the plot grew wider than the buckets
   * kept, and merged buckets cannot be split.
   */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onNeedLoss: () => void,
  ) {
    this.series = new BucketSeries(this.capacityForWidth());
    new ResizeObserver(() => this.resize()).observe(canvas);
  }

  /** How many buckets the curve holds now. */
  get pointCount(): number {
    return this.series.size;
  }

  get isEmpty(): boolean {
    return this.series.size === 0;
  }

  reset(loss: readonly LossBucket[]): void {
    this.series = new BucketSeries(this.capacityForWidth());
    this.series.addAll(loss);
    this.requestDraw();
  }

  append(loss: readonly LossBucket[]): void {
    this.series.addAll(loss);
    this.requestDraw();
  }

  /** An even number of buckets no larger than the plot's width in device pixels. */
  private capacityForWidth(): number {
    const plotWidth = (this.canvas.clientWidth - MARGIN.left - MARGIN.right) * devicePixelRatio;
    return Math.max(2, 2 * Math.floor(plotWidth / 2));
  }

  private resize(): void {
    const capacity = this.capacityForWidth();
    if (capacity > this.series.capacity && this.series.size > 0) {
      this.onNeedLoss();
    } else if (capacity < this.series.capacity) {
      const narrower = new BucketSeries(capacity);
      narrower.addAll(this.series.all);
      this.series = narrower;
    }
    this.requestDraw();
  }

  private requestDraw(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.draw();
    });
  }

  private draw(): void {
    const ratio = devicePixelRatio;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    const context = this.canvas.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);

    const buckets = this.series.all;
    if (buckets.length === 0) return;

    const plot = {
      left: MARGIN.left, top: MARGIN.top,
      width: Math.max(1, width - MARGIN.left - MARGIN.right),
      height: Math.max(1, height - MARGIN.top - MARGIN.bottom),
    };
    const colours = themeColours();
    const firstStep = buckets[0].first;
    const lastStep = buckets[buckets.length - 1].last;
    const x = (step: number): number =>
      plot.left + (lastStep === firstStep ? plot.width / 2
        : ((step - firstStep) / (lastStep - firstStep)) * plot.width);

    // One column for every two pixels: a uniform grid, whatever widths the buckets have.
    const columns = toColumns(buckets, Math.max(1, Math.floor(plot.width / PIXELS_PER_COLUMN)));
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const column of columns) {
      if (Number.isFinite(column.min)) low = Math.min(low, column.min);
      if (Number.isFinite(column.max)) high = Math.max(high, column.max);
    }
    if (!Number.isFinite(low) || !Number.isFinite(high)) return;
    // Losses span decades as a run learns: a log scale shows the late steps, where it can.
    const logarithmic = low > 0 && high / low > 20;
    const scale = (value: number): number => (logarithmic ? Math.log10(value) : value);
    const bottom = scale(low);
    const top = high === low ? scale(high) + 1 : scale(high);
    const y = (value: number): number =>
      plot.top + (1 - (scale(value) - bottom) / (top - bottom)) * plot.height;

    this.drawAxes(context, plot, colours, {
      low, high, firstStep, lastStep, logarithmic,
    });

    // The band from each column's smallest loss to its largest, as one closed shape.
    context.beginPath();
    columns.forEach((column, index) => {
      if (index === 0) context.moveTo(x(column.step), y(column.max));
      else context.lineTo(x(column.step), y(column.max));
    });
    for (let index = columns.length - 1; index >= 0; index--) {
      context.lineTo(x(columns[index].step), y(columns[index].min));
    }
    context.closePath();
    context.globalAlpha = 0.25;
    context.fillStyle = colours.line;
    context.fill();
    context.globalAlpha = 1;

    // The line through the means.
    context.beginPath();
    columns.forEach((column, index) => {
      if (index === 0) context.moveTo(x(column.step), y(column.mean));
      else context.lineTo(x(column.step), y(column.mean));
    });
    context.strokeStyle = colours.line;
    context.lineWidth = 1.5;
    context.stroke();
  }

  private drawAxes(
    context: CanvasRenderingContext2D,
    plot: { left: number; top: number; width: number; height: number },
    colours: ThemeColours,
    range: { low: number; high: number; firstStep: number; lastStep: number; logarithmic: boolean },
  ): void {
    context.strokeStyle = colours.axis;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(plot.left + 0.5, plot.top);
    context.lineTo(plot.left + 0.5, plot.top + plot.height + 0.5);
    context.lineTo(plot.left + plot.width, plot.top + plot.height + 0.5);
    context.stroke();

    context.fillStyle = colours.text;
    context.font = colours.font;
    context.textAlign = 'right';
    context.textBaseline = 'top';
    context.fillText(formatNumber(range.high, LABEL_DIGITS), plot.left - 6, plot.top);
    context.textBaseline = 'bottom';
    context.fillText(formatNumber(range.low, LABEL_DIGITS), plot.left - 6, plot.top + plot.height);
    if (range.logarithmic) {
      context.textBaseline = 'middle';
      context.fillText('log', plot.left - 6, plot.top + plot.height / 2);
    }

    context.textBaseline = 'top';
    context.textAlign = 'left';
    context.fillText(`step ${formatCount(range.firstStep)}`, plot.left, plot.top + plot.height + 5);
    context.textAlign = 'right';
    const below = plot.top + plot.height + 5;
    context.fillText(formatCount(range.lastStep), plot.left + plot.width, below);
  }
}

interface ThemeColours {
  line: string;
  axis: string;
  text: string;
  font: string;
}

/** The editor theme's own colours, read from the variables VS Code sets on the page. */
function themeColours(): ThemeColours {
  const style = getComputedStyle(document.body);
  const read = (name: string): string => style.getPropertyValue(name).trim();
  const family = read('--vscode-font-family') || 'sans-serif';
  return {
    line: read('--vscode-charts-blue') || read('--vscode-editor-foreground'),
    axis: read('--vscode-charts-lines') || read('--vscode-editor-foreground'),
    text: read('--vscode-descriptionForeground') || read('--vscode-editor-foreground'),
    font: `11px ${family}`,
  };
}
