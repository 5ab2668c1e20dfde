// The training panel's page: the header with the session's state, the live loss curve, and the
// inspector of the weight a CodeLens click selected. It draws what the host sends and asks for
// the whole picture when it (re)loads.
import { formatCount, formatNumber, formatRate } from '../src/protocol/format';
import type {
  HostToPanel, PanelToHost, SessionStatus, WeightDetails,
} from '../src/protocol/panel';
import { LossChart } from './chart';

interface VsCodeApi {
  postMessage(message: PanelToHost): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: PanelToHost): void => vscode.postMessage(message);

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the panel's page has no #${id}`);
  return found as T;
}

const view = {
  file: element('session-file'),
  state: element('session-state'),
  progress: element('session-progress'),
  failure: element('session-failure'),
  chartEmpty: element('chart-empty'),
  inspectorEmpty: element('inspector-empty'),
  inspector: element('inspector-values'),
  weightName: element('weight-name'),
  weightValue: element('weight-value'),
  weightGradient: element('weight-gradient'),
  weightDelta: element('weight-delta'),
  weightStep: element('weight-step'),
};

const chart = new LossChart(element<HTMLCanvasElement>('loss-chart'),
  () => post({ type: 'needLoss' }));
let digits = 3;

function showStatus(status: SessionStatus | undefined): void {
  if (!status) {
    view.file.textContent = 'No training session';
    view.state.textContent = '';
    view.state.dataset.state = '';
    view.progress.textContent = 'Run “Train Network” on a .nnspec file.';
    view.failure.hidden = true;
    return;
  }
  view.file.textContent = status.fileName;
  view.state.textContent = status.state;
  view.state.dataset.state = status.state;
  const total = status.totalSteps > 0 ? ` of ${formatCount(status.totalSteps)}` : '';
  const parts = [`step ${formatCount(status.step)}${total}`, `epoch ${formatCount(status.epoch)}`];
  if (status.loss !== undefined) parts.push(`loss ${formatNumber(status.loss, digits)}`);
  if (status.state === 'running') parts.push(`${formatRate(status.stepsPerSecond)} steps/s`);
  if (status.fileChanged) parts.push('file changed since the run started');
  view.progress.textContent = parts.join(' · ');
  view.failure.hidden = status.failure === undefined;
  view.failure.textContent = status.failure ?? '';
}

function showSelection(weight: WeightDetails | undefined): void {
  view.inspectorEmpty.hidden = weight !== undefined;
  view.inspector.hidden = weight === undefined;
  if (!weight) return;
  view.weightName.textContent = weight.name;
  view.weightValue.textContent = formatNumber(weight.value, digits);
  const number = (value: number | undefined): string =>
    (value === undefined ? '—' : formatNumber(value, digits));
  view.weightGradient.textContent = number(weight.dEdw);
  view.weightDelta.textContent = number(weight.delta);
  view.weightStep.textContent = weight.step === 0 ? 'not trained yet' : formatCount(weight.step);
  document.body.dataset.selectedWeight = weight.key;
}

function showChartEmpty(): void {
  view.chartEmpty.hidden = !chart.isEmpty;
}

window.addEventListener('message', (event: MessageEvent<HostToPanel>) => {
  const message = event.data;
  switch (message.type) {
    case 'reset':
      digits = message.digits;
      chart.reset(message.loss);
      showStatus(message.status);
      showSelection(undefined);
      showChartEmpty();
      return;
    case 'update':
      chart.append(message.loss);
      showChartEmpty();
      showStatus(message.status);
      if (message.weight) showSelection(message.weight);
      return;
    case 'selection':
      showSelection(message.weight);
      return;
  }
});

showStatus(undefined);
showSelection(undefined);
post({ type: 'ready' });
