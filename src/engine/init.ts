// Starting values for the weights a file does not write. Draws come from the "init" stream of
// the file's seed, layer by layer and, within a layer, in params order (W row by row), so the
// same seed always gives the same network. Biases start at 0.
//
//   xavier:     w ~ U(−a, a), a = sqrt(6 / (fan_in + fan_out))
//   he:         w ~ N(0, 2 / fan_in), i.e. standard deviation sqrt(2 / fan_in)
//   uniform A:  w ~ U(−A, A)
//   normal S:   w ~ N(0, S²)
//   zeros:      w = 0
// fan_in is the size of the layer before, fan_out the size of the layer the weight feeds.

import type { InitConfig } from './config';
import type { Random } from './random';

/** Fills the nOut × nIn weights that start at `wAt` in `params`; leaves the biases alone. */
export function initLayerWeights(init: InitConfig, rng: Random, params: Float64Array,
  wAt: number, nIn: number, nOut: number): void {
  const count = nIn * nOut;
  const end = wAt + count;
  switch (init.kind) {
    case 'xavier': {
      const limit = Math.sqrt(6 / (nIn + nOut));
      for (let k = wAt; k < end; k++) params[k] = rng.uniform(-limit, limit);
      return;
    }
    case 'he': {
      const deviation = Math.sqrt(2 / nIn);
      for (let k = wAt; k < end; k++) params[k] = deviation * rng.normal();
      return;
    }
    case 'uniform':
      for (let k = wAt; k < end; k++) params[k] = rng.uniform(-init.a, init.a);
      return;
    case 'normal':
      for (let k = wAt; k < end; k++) params[k] = init.s * rng.normal();
      return;
    case 'zeros':
      for (let k = wAt; k < end; k++) params[k] = 0;
      return;
  }
}
