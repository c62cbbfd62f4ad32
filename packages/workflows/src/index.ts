/**
 * `@agentry/workflows`: workflows as plain JSON data (definitions, steps, triggers, error
 * handling, templates), their validation by the specification's rules, a typed builder, safe
 * conditions and input references, Mermaid diagrams, and the `workflows` configuration section.
 *
 * @packageDocumentation
 */
export * from './definitions/index.js';
export { VERSION } from './version.js';
export { workflows } from './workflows-plugin.js';
export type {
  RunOrigin,
  StartRunOptions,
  StartedRun,
  WorkflowStarter,
} from './workflow-starter.js';
export * from './triggers/index.js';
export * from './runner/index.js';
export * from './agents/index.js';
export * from './handlers/index.js';
