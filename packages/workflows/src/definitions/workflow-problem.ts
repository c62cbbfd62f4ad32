/**
 * Why a workflow definition is not valid; one code per rule, so tools can branch on it.
 *
 * - `invalid_field`: a field has the wrong shape (the message says which and why)
 * - `invalid_id`: a workflow or step id is missing or malformed
 * - `duplicate_step_id`: two steps share an id
 * - `invalid_step_type`, `invalid_trigger_type`, `invalid_condition`: an unknown `type` or `op`
 * - `no_steps`, `no_triggers`: the workflow has no steps, or no trigger
 * - `unknown_step`: a `$ref`, `next`, decision target or parallel branch names a step that does not exist
 * - `invalid_reference`: a `$ref` path is malformed, or an event filter reads something other than `input`
 * - `reference_not_ancestor`: a `$ref` reads a step that does not always run before the reader
 * - `invalid_next_target`: a `next` or decision target jumps into a parallel branch
 * - `invalid_branch_step`: a branch step is a decision or has a `next`
 * - `step_in_multiple_branches`: a step is listed in more than one parallel branch
 * - `cycle`: control can come back to a step (the message names the cycle, `a -> b -> a`)
 * - `unreachable_step`: no path from the start reaches a step
 * - `unused_inputs`: a subgraph step has `inputs` (its data goes in `configuration.inputMapping`)
 * - `unknown_prompt_input`: an agent prompt's `{{name}}` names no input of the step
 * - `recursive_subgraph`: a subgraph runs the workflow itself, directly or through others
 * - `unknown_workflow`, `unknown_handler`, `unknown_predicate`: not in the registry given to validation
 * - `invalid_cron`, `invalid_time_zone`: a schedule trigger's expression or zone is not valid
 * - `inline_secret`: a webhook trigger holds a secret instead of its name
 * - `not_serializable`: a value would not survive a JSON round trip
 * - `missing_error_handling`: a non-trivial workflow has no `errorHandling`
 *
 * @example
 * ```ts
 * import { validateWorkflow, type WorkflowProblemCode } from '@agentry/workflows';
 *
 * declare const draft: unknown;
 * // Warn about unreachable steps in an editor, but block saving on anything else.
 * const warnings: readonly WorkflowProblemCode[] = ['unreachable_step', 'unused_inputs'];
 * const blocking = validateWorkflow(draft).problems.filter((problem) => !warnings.includes(problem.code));
 * ```
 */
export type WorkflowProblemCode =
  | 'invalid_field'
  | 'invalid_id'
  | 'duplicate_step_id'
  | 'invalid_step_type'
  | 'invalid_trigger_type'
  | 'invalid_condition'
  | 'no_steps'
  | 'no_triggers'
  | 'unknown_step'
  | 'invalid_reference'
  | 'reference_not_ancestor'
  | 'invalid_next_target'
  | 'invalid_branch_step'
  | 'step_in_multiple_branches'
  | 'cycle'
  | 'unreachable_step'
  | 'unused_inputs'
  | 'unknown_prompt_input'
  | 'recursive_subgraph'
  | 'unknown_workflow'
  | 'unknown_handler'
  | 'unknown_predicate'
  | 'invalid_cron'
  | 'invalid_time_zone'
  | 'inline_secret'
  | 'not_serializable'
  | 'missing_error_handling';

/**
 * One thing wrong with a workflow definition.
 *
 * @example
 * ```ts
 * import { type WorkflowProblem } from '@agentry/workflows';
 *
 * const problem: WorkflowProblem = {
 *   code: 'unknown_step',
 *   path: 'steps[2].configuration.branches[0].next',
 *   segments: ['steps', 2, 'configuration', 'branches', 0, 'next'],
 *   message: 'The decision "route" branches to "reveiw", which is not a step.',
 *   suggestion: 'Did you mean "review"?',
 * };
 * ```
 */
export interface WorkflowProblem {
  /** Which rule is broken. */
  code: WorkflowProblemCode;
  /** Where, as people read it: `steps[2].configuration.branches[0].next`, `(root)` for the whole. */
  path: string;
  /** The same place as keys from the root. */
  segments: (string | number)[];
  /** What is wrong, naming the values involved. */
  message: string;
  /** What to do about it. */
  suggestion?: string;
}
