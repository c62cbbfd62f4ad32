import type { WorkflowRunnerOptions } from '@agentry/workflows';

declare const options: Omit<WorkflowRunnerOptions, 'store'>;
export default options;
