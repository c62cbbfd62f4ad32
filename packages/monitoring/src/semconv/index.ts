export {
  genAiSemconvVersion,
  telemetryAttributeClasses,
  type TelemetryAttributeClass,
} from './gen-ai.js';
