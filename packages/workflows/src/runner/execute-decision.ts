import { toAgentryError } from '@agentry/core';
import { evaluateCondition, type DecisionStep } from '../definitions/index.js';
import type { RunContext } from './run-context.js';
import { append, stage } from './run-journal.js';
import type { RunnerCore } from './runner-core.js';
import { StepFailed } from './runner-signals.js';

/**
 * Evaluates a decision step and journals the route taken (`{ next, branch }`) as its output, so a
 * recovered run takes the same route even if the data the conditions read changed.
 *
 * @internal
 */
export async function executeDecision(
  core: RunnerCore,
  ctx: RunContext,
  step: DecisionStep,
): Promise<unknown> {
  if (!ctx.state.steps.get(step.id)?.started) {
    await append(core, ctx, { type: 'step-start', stepId: step.id, stepType: step.type });
  }
  let output: { next: string; branch: number | 'default' };
  try {
    const scope = { input: ctx.state.input, outputs: ctx.outputs, predicates: core.predicates };
    const index = step.configuration.branches.findIndex((branch) =>
      evaluateCondition(branch.condition, scope),
    );
    output =
      index === -1
        ? { next: step.configuration.default, branch: 'default' }
        : { next: step.configuration.branches[index]!.next, branch: index };
  } catch (error) {
    const failure = toAgentryError(error);
    await append(core, ctx, {
      type: 'step-error',
      stepId: step.id,
      attempt: 1,
      error: failure.toJSON(),
      final: true,
    });
    throw new StepFailed(step.id, failure);
  }
  // Written with the run's next entries, before the run does anything further (see stage).
  stage(core, ctx, { type: 'step-end', stepId: step.id, output });
  ctx.outputs[step.id] = output;
  return output;
}
