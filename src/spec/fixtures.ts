// Builds large .nnspec texts for timing the parser: a 1-n-n-1 network with every weight written
// in edge form, n just large enough for the requested number of lines.

/** The lines before the weights block of a 1-n-n-1 network. */
function header(hidden: number): string[] {
  return [
    `# A 1-${hidden}-${hidden}-1 network with every weight written, one a line.`,
    'network large',
    '',
    'layer x   1',
    `layer h1  ${hidden}  tanh`,
    `layer h2  ${hidden}  tanh`,
    'layer y   1  linear',
    '',
    'loss       mse',
    'optimizer  sgd  lr=0.01',
    'batch      16',
    'epochs     10',
    'seed       3',
    '',
    'data sine  samples=64  range=-3..3',
    '',
    'weights',
  ];
}

/** Weights (biases included) of a 1-n-n-1 network. */
function weightCount(hidden: number): number {
  return 2 * hidden + hidden * (hidden + 1) + (hidden + 1);
}

/**
 * A spec of exactly `lines` lines (at least the header's 17): the header, then edge-form
 * weights of a 1-n-n-1 network, every 50th with a label, in the order the network lists them.
 * The values follow a fixed sequence, so the same `lines` always gives the same text.
 */
export function largeSpecText(lines: number): string {
  let hidden = 1;
  while (header(hidden).length + weightCount(hidden) < lines) hidden++;
  const out = header(hidden);
  const unit = (name: string, index: number) => `${name}[${index + 1}]`;
  const edges: [string, string][] = [];
  for (let to = 0; to < hidden; to++) {
    edges.push(['x', unit('h1', to)], ['bias', unit('h1', to)]);
  }
  for (let to = 0; to < hidden; to++) {
    for (let from = 0; from < hidden; from++) edges.push([unit('h1', from), unit('h2', to)]);
    edges.push(['bias', unit('h2', to)]);
  }
  for (let from = 0; from < hidden; from++) edges.push([unit('h2', from), 'y']);
  edges.push(['bias', 'y']);

  let state = 12345;
  for (let k = 0; out.length < lines; k++) {
    // A small linear congruential sequence: values in [-1, 1) with four decimals.
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const value = ((state / 2 ** 32) * 2 - 1).toFixed(4);
    const [from, to] = edges[k];
    const label = k % 50 === 0 ? `w${k}: ` : '';
    out.push(`  ${label}${from} -> ${to} ${value}`);
  }
  return out.slice(0, lines).join('\n') + '\n';
}
