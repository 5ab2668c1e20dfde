// The update rules that turn a mini-batch gradient g = ∂E/∂w into a step Δw, applied in place:
//
//   sgd:       Δw = −lr · g
//   momentum:  v ← β v − lr · g;  Δw = v
//   adam:      m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  t ← t + 1
//              m̂ = m / (1 − β1^t);  v̂ = v / (1 − β2^t);  Δw = −lr · m̂ / (sqrt(v̂) + eps)
//
// and then w ← w + Δw. Δw is read far less often than steps are taken, so it is derived when
// asked for (fillDelta) wherever the rule allows.

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
   * One update of every parameter in params[0, end). Δw of sgd and momentum can be derived after
   * the fact (fillDelta); adam's cannot, so with `keepAdamDelta` it is written to `delta` here.
   */
  apply(params: Float64Array, grad: Float64Array, delta: Float64Array, end: number,
    keepAdamDelta: boolean): void {
    this.applyRange(params, grad, delta, 0, end, keepAdamDelta);
    this.updates++;
  }

  /**
   * Writes the last update's Δw into `delta`: −lr·g for sgd (the very number that was added to
   * w), the velocity for momentum (likewise); for adam, what apply kept.
   */
  fillDelta(grad: Float64Array, delta: Float64Array, end: number): void {
    if (this.rule === Rule.Sgd) {
      const lr = this.lr;
      for (let k = 0; k < end; k++) delta[k] = -lr * grad[k];
    } else if (this.rule === Rule.Momentum) {
      delta.set(this.firstMoment.subarray(0, end));
    }
  }

  /** Updates params[start, end). */
  private applyRange(params: Float64Array, grad: Float64Array, delta: Float64Array,
    start: number, end: number, keepAdamDelta: boolean): void {
    const lr = this.lr;
    switch (this.rule) {
      case Rule.Sgd:
        // w − lr·g is bit for bit w + (−lr·g), the Δw fillDelta reports.
        for (let k = start; k < end; k++) params[k] -= lr * grad[k];
        return;

      case Rule.Momentum: {
        const beta = this.beta1, velocity = this.firstMoment;
        for (let k = start; k < end; k++) {
          const step = beta * velocity[k] - lr * grad[k];
          velocity[k] = step;
          params[k] += step;
        }
        return;
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
          if (keepAdamDelta) delta[k] = step;
        }
        return;
      }
    }
  }
}
