export {
  envelopeAlgorithms,
  openEnvelope,
  readEnvelopeHeader,
  sealEnvelope,
  type DataKey,
  type EnvelopeAlgorithm,
  type EnvelopeContext,
  type EnvelopeHeader,
} from './envelope.js';
