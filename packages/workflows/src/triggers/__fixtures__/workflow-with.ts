import type { WorkflowDefinition } from '../../definitions/workflow-definition.js';
import type { WorkflowTrigger } from '../../definitions/workflow-trigger.js';

/** A minimal valid workflow (one handler step) with the given triggers. */
export function workflowWith(
  id: string,
  triggers: WorkflowTrigger[],
  options: { parallel?: boolean } = {},
): WorkflowDefinition {
  return {
    id,
    name: id,
    description: '',
    parallel: options.parallel ?? false,
    triggers,
    steps: [
      {
        id: 'work',
        name: 'Work',
        type: 'task',
        configuration: { handler: 'work' },
        inputs: {},
        outputs: {},
      },
    ],
  };
}
