// The update rules that turn a mini-batch gradient g = ∂E/∂w into a step Δw, applied in place:
//
//   sgd:       Δw = −lr · g
//   momentum:  v ← β v − lr · g;  Δw = v
//   adam:      m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  t ← t + 1
//              m̂ = m / (1 − β1^t);  v̂ = v / (1 − β2^t);  Δw = −lr · m̂ / (sqrt(v̂) + eps)
//
// and then w ← w + Δw. With recording on, Δw is kept per weight and ‖g‖₂ per layer, in the same
// pass over the parameters.

import type { OptimizerConfig } from './config';
import type { Kernels } from './kernels';

const enum Rule {
  Sgd = 0,
  Momentum = 1,
  Adam = 2,
}

export class Optimizer {
  private readonly rule: Rule;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  /** momentum: the velocity v; adam: the first moment m. Empty for sgd. */
  private readonly firstMoment: Float64Array;
  /** adam: the second moment v. Empty otherwise. */
  private readonly secondMoment: Float64Array;
  /** Updates applied so far (adam's t). */
  private updates = 0;

  constructor(config: OptimizerConfig, paramCount: number, kernels: Kernels) {
    this.lr = config.lr;
    switch (config.kind) {
      case 'sgd':
        this.rule = Rule.Sgd;
        this.beta1 = 0; this.beta2 = 0; this.eps = 0;
        break;
      case 'momentum':
        this.rule = Rule.Momentum;
        this.beta1 = config.beta; this.beta2 = 0; this.eps = 0;
        break;
      case 'adam':
        this.rule = Rule.Adam;
        this.beta1 = config.beta1; this.beta2 = config.beta2; this.eps = config.eps;
        break;
    }
    this.firstMoment = kernels.allocate(this.rule === Rule.Sgd ? 0 : paramCount);
    this.secondMoment = kernels.allocate(this.rule === Rule.Adam ? paramCount : 0);
  }

  /**
   * One update of every parameter. `layerEnds[l]` is where layer l's parameters end (layer l
   * starts where l − 1 ends; layerEnds[0] = 0). When `record` is true, Δw goes to `delta` and
   * the gradient norm of layer l to `gradNorms[l − 1]`.
   */
  apply(params: Float64Array, grad: Float64Array, delta: Float64Array, gradNorms: Float64Array,
    layerEnds: Int32Array, record: boolean): void {
    const last = layerEnds.length - 1;
    if (record) {
      for (let l = 1; l <= last; l++) {
        gradNorms[l - 1] = Math.sqrt(this.applyRange(params, grad, delta, layerEnds[l - 1],
          layerEnds[l], true));
      }
    } else {
      this.applyRange(params, grad, delta, 0, layerEnds[last], false);
    }
    this.updates++;
  }

  /** Updates params[start, end); returns Σ g² over the range when recording, else 0. */
  private applyRange(params: Float64Array, grad: Float64Array, delta: Float64Array,
    start: number, end: number, record: boolean): number {
    const lr = this.lr;
    let sumSquares = 0;
    switch (this.rule) {
      case Rule.Sgd:
        if (record) {
          for (let k = start; k < end; k++) {
            const g = grad[k];
            const step = -lr * g;
            sumSquares += g * g;
            delta[k] = step;
            params[k] += step;
          }
        } else {
          for (let k = start; k < end; k++) params[k] -= lr * grad[k];
        }
        return sumSquares;

      case Rule.Momentum: {
        const beta = this.beta1, velocity = this.firstMoment;
        for (let k = start; k < end; k++) {
          const g = grad[k];
          const step = beta * velocity[k] - lr * g;
          velocity[k] = step;
          params[k] += step;
          if (record) {
            sumSquares += g * g;
            delta[k] = step;
          }
        }
        return sumSquares;
      }

      case Rule.Adam: {
        const beta1 = this.beta1, beta2 = this.beta2, eps = this.eps;
        const m = this.firstMoment, v = this.secondMoment;
        const t = this.updates + 1;
        const correction1 = 1 - Math.pow(beta1, t);
        const correction2 = 1 - Math.pow(beta2, t);
        for (let k = start; k < end; k++) {
          const g = grad[k];
          const mk = beta1 * m[k] + (1 - beta1) * g;
          const vk = beta2 * v[k] + (1 - beta2) * g * g;
          m[k] = mk;
          v[k] = vk;
          const step = -lr * (mk / correction1) / (Math.sqrt(vk / correction2) + eps);
          params[k] += step;
          if (record) {
            sumSquares += g * g;
            delta[k] = step;
          }
        }
        return sumSquares;
      }
    }
  }
}
