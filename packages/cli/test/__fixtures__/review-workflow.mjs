// A --workflow module for agentry runs: the options of createWorkflowRunner (the store comes from
// --store). The check step of review always fails, so every run waits for a person there.
import { output, workflow } from '@agentry/workflows';

const review = workflow('review')
  .name('Review')
  .trigger({ type: 'manual' })
  .errorHandling({
    retryAttempts: 0,
    backoffStrategy: 'fixed',
    fallbackAction: 'human_intervention',
  })
  .task('check', { handler: 'check' })
  .task('ship', { handler: 'ship', inputs: { verdict: output('check') } })
  .build();

// A one-step workflow, for runs that a crash interrupted.
const quick = workflow('quick')
  .trigger({ type: 'manual' })
  .task('work', { handler: 'work' })
  .build();

/** @type {Omit<import('@agentry/workflows').WorkflowRunnerOptions, 'store'>} */
export default {
  registry: { [review.id]: review, [quick.id]: quick },
  handlers: {
    check: () => {
      throw new Error('A person must look at this order.');
    },
    ship: ({ verdict }) => ({ shipped: true, verdict }),
    work: () => ({ done: true }),
  },
};
