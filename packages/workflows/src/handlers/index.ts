export {
  defineTaskHandler,
  type AnyTaskHandler,
  type DefinedTaskHandler,
  type TaskHandlerDefinition,
} from './define-task-handler.js';
