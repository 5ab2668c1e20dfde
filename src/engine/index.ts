// The engine's public surface: configuration types, the seeded random source, the built-in data
// generators, the network, its trainer and the gradient check. Nothing here touches an editor.

export * from './config';
export { Random } from './random';
export {
  GENERATORS, GENERATOR_NAMES, withDefaults,
  type GeneratorInfo, type GeneratorKey, type GeneratorParams, type GeneratorValue,
} from './data/generators';
export { type Kernels, jsKernels } from './kernels';
export { LEAKY_SLOPE } from './activations';
export { Network, Workspace, createNetwork } from './network';
export { DivergenceError, Trainer, type TrainerOptions } from './trainer';
export {
  DEFAULT_EPSILON, RELATIVE_FLOOR, gradientCheck, type GradientCheckResult,
} from './gradcheck';
