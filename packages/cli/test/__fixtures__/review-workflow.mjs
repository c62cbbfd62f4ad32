// A --workflow module for agentry runs: the options of createWorkflowRunner (the store comes from
// --store). The check step always fails, so every run waits for a person there.
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

export default {
  registry: { [review.id]: review },
  handlers: {
    check: () => {
      throw new Error('A person must look at this order.');
    },
    ship: ({ verdict }) => ({ shipped: true, verdict }),
  },
};
