// Checks back-propagation against central differences: on the first mini-batch of epoch 1, as
// training would draw it, every weight's analytic ∂E/∂w is compared with a numeric estimate of
// the slope of that mini-batch's mean loss E.
//
// The estimate is the fourth-order central difference
//   n = [8 (E(w+h) − E(w−h)) − (E(w+2h) − E(w−2h))] / 12h,
// whose truncation error is O(h⁴): with h = 1e-4 both it and the rounding noise (about
// 1e-16·E/h) stay far below the 1e-6 the check is judged by, even for gradients near 1e-5.
// relu and leaky_relu have a corner at 0; a weight whose E has a corner within 2h of w has no
// slope there to compare, so it is counted as skipped, not as an error. A network of more than
// DEFAULT_MAX_WEIGHTS weights has a sample of them checked, from every layer.

import type { Dataset, NetworkConfig, WeightId } from './config';
import type { Network } from './network';
import { Trainer } from './trainer';

export interface GradientCheckResult {
  /**
   * The largest relative error over the weights compared: |a − n|, less the rounding noise of
   * the numeric estimate, over max(|a| + |n|, RELATIVE_FLOOR).
   */
  maxRelativeError: number;
  /** The weight with that error (absent when no weight was compared). */
  worst?: { id: WeightId; analytic: number; numeric: number };
  /** How many weights were compared. */
  checked: number;
  /** How many weights the network has; more than were looked at when it is large. */
  total: number;
  /** Weights left out because E has a corner (a relu unit's kink) within reach of the step. */
  skippedAtKinks: number;
}

export const DEFAULT_EPSILON = 1e-4;

/**
 * Below this, |a| + |n| counts as this much: gradients smaller than it are compared on an
 * absolute scale, where rounding noise would otherwise look like a large relative error.
 */
export const RELATIVE_FLOOR = 1e-6;

/** How many units in the last place of E the rounding of a loss evaluation is taken to be. */
const ROUNDING_ULPS = 8;

/** |D2 − 4·D1| above this (relative to E) marks a corner, not a curve; see isCorner. */
const CORNER_THRESHOLD = 1e-11;

/**
 * Each weight costs four passes over the mini-batch, so a large network has a sample of its
 * weights checked: every weight and every bias of each layer in proportion, evenly spaced.
 */
export const DEFAULT_MAX_WEIGHTS = 512;

export function gradientCheck(config: NetworkConfig, train: Dataset,
  options: { epsilon?: number; maxWeights?: number } = {}): GradientCheckResult {
  const h = options.epsilon ?? DEFAULT_EPSILON;
  const trainer = new Trainer(config, train, undefined, { record: false });
  const network = trainer.network;
  const params = network.params;
  const rows = trainer.upcomingRows();
  const { loss: lossAtW, dEdw } = trainer.gradientFor(train, rows);
  // Each loss is a sum over the mini-batch, exact to a few ulps of its size; divided by h, that
  // rounding is the least disagreement the numeric slope can show, and is not held against it.
  const noise = ROUNDING_ULPS * Number.EPSILON * Math.max(1, Math.abs(lossAtW)) / h;
  const hasKinks = config.layers.some(
    (layer) => layer.activation === 'relu' || layer.activation === 'leaky_relu');

  const lossWith = (k: number, value: number): number => {
    params[k] = value;
    return trainer.lossFor(train, rows);
  };

  let maxRelativeError = 0;
  let worst: GradientCheckResult['worst'];
  let checked = 0;
  let skippedAtKinks = 0;
  for (const k of weightsToCheck(network, options.maxWeights ?? DEFAULT_MAX_WEIGHTS)) {
    const saved = params[k];
    const up = lossWith(k, saved + h);
    const down = lossWith(k, saved - h);
    const up2 = lossWith(k, saved + 2 * h);
    const down2 = lossWith(k, saved - 2 * h);
    params[k] = saved;

    if (hasKinks && isCorner(lossAtW, up, down, up2, down2)) {
      skippedAtKinks++;
      continue;
    }
    const numeric = (8 * (up - down) - (up2 - down2)) / (12 * h);
    const analytic = dEdw[k];
    const error = Math.max(0, Math.abs(analytic - numeric) - noise) /
      Math.max(Math.abs(analytic) + Math.abs(numeric), RELATIVE_FLOOR);
    checked++;
    if (worst === undefined || error > maxRelativeError || Number.isNaN(error)) {
      maxRelativeError = Number.isNaN(error) ? Infinity : error;
      worst = { id: network.idAt(k), analytic, numeric };
    }
  }
  return {
    maxRelativeError, ...(worst ? { worst } : {}), checked, total: network.paramCount,
    skippedAtKinks,
  };
}

/**
 * Indices into params: all of them up to `limit`; past it, from each layer's weights and each
 * layer's biases a share in proportion to its size (at least a few of each), evenly spaced.
 */
export function weightsToCheck(network: Network, limit: number): number[] {
  const total = network.paramCount;
  if (total <= limit) return Array.from({ length: total }, (_, k) => k);
  const groups: [number, number][] = [];
  for (let l = 1; l < network.layerEnds.length; l++) {
    groups.push([network.weightStarts[l], network.biasStarts[l]]);
    groups.push([network.biasStarts[l], network.layerEnds[l]]);
  }
  const chosen: number[] = [];
  for (const [start, end] of groups) {
    const size = end - start;
    const share = Math.min(size, Math.max(MIN_PER_GROUP, Math.round((limit * size) / total)));
    for (let i = 0; i < share; i++) chosen.push(start + Math.floor((i * size) / share));
  }
  return chosen;
}

/** The fewest weights checked from a layer's weights or biases when sampling. */
const MIN_PER_GROUP = 8;

/**
 * Second differences over h and 2h: for a smooth E, D2 = E(w+2h) − 2E(w) + E(w−2h) is 4·D1 with
 * D1 = E(w+h) − 2E(w) + E(w−h), up to O(h⁴). A corner within 2h of w adds a term of the size
 * (slope jump)·h to one and not in proportion to the other; rounding noise stays near 1e-14·E.
 */
function isCorner(at: number, up: number, down: number, up2: number, down2: number): boolean {
  const d1 = up - 2 * at + down;
  const d2 = up2 - 2 * at + down2;
  return Math.abs(d2 - 4 * d1) > CORNER_THRESHOLD * Math.max(1, Math.abs(at));
}
