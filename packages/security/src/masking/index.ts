export {
  createMasker,
  type MaskerOptions,
  type PseudonymOptions,
  type TextMasker,
} from './create-masker.js';
export { defaultDetectors } from './default-detectors.js';
export type { Detector, DetectorKind, DetectorSpan } from './detector.js';
export {
  createStreamMasker,
  maskStream,
  type StreamMasker,
  type StreamMaskerOptions,
} from './stream-masker.js';
