import { describe, expect, it } from 'vitest';
import { orderWorkflow, trivialWorkflow } from './__fixtures__/order-workflow.js';
import { toMermaid } from './to-mermaid.js';

describe('toMermaid', () => {
  it('draws decisions with labelled branches, parallel fan-out and fan-in, and marked subgraphs', () => {
    expect(toMermaid(orderWorkflow())).toBe(
      [
        'flowchart TD',
        '  workflow_start(("start"))',
        '  workflow_end(("end"))',
        '  step_fetch["Fetch order"]',
        '  step_route{"Route"}',
        '  step_review("Review")',
        '  step_enrich{{"Enrich"}}',
        '  join_enrich(("join"))',
        '  step_crm["CRM lookup"]',
        '  step_risk["Risk check"]',
        '  step_score["Risk score"]',
        '  step_ship[["Ship ↳ shipping"]]',
        '  workflow_start --> step_fetch',
        '  step_fetch --> step_route',
        '  step_route -->|"steps.fetch.output.total #gt; 100"| step_review',
        '  step_route -->|"default"| step_enrich',
        '  step_review --> step_enrich',
        '  step_enrich --> step_crm',
        '  step_enrich --> step_risk',
        '  step_crm --> join_enrich',
        '  step_risk --> step_score',
        '  step_score --> join_enrich',
        '  step_ship --> workflow_end',
        '  join_enrich --> step_ship',
        '  classDef subgraphStep stroke-dasharray: 5 3',
        '  class step_ship subgraphStep',
        '',
      ].join('\n'),
    );
  });

  it('uses a branch label when there is one', () => {
    const definition = orderWorkflow();
    const route = definition.steps[1];
    if (route?.type !== 'decision') throw new Error('fixture changed');
    route.configuration.branches[0]!.label = 'big order';
    expect(toMermaid(definition)).toContain('step_route -->|"big order"| step_review');
  });

  it('escapes ids and names so they cannot break or inject into the diagram', () => {
    const definition = trivialWorkflow();
    definition.steps[0]!.id = 'end';
    definition.steps[0]!.name = 'Say "hi"]\n  click x call alert() | <b>#1</b> & more';
    const chart = toMermaid(definition);
    expect(chart).toContain(
      '  step_end["Say #quot;hi#quot;]   click x call alert() #124; #lt;b#gt;#35;1#lt;/b#gt; #38; more"]',
    );
    expect(chart.split('\n').filter((line) => line.includes('click'))).toHaveLength(1);
    const odd = trivialWorkflow();
    odd.steps[0]!.id = 'a-b_c';
    expect(toMermaid(odd)).toContain('step_a_2d_b_5f_c["Hello"]');
  });

  it('draws left to right on request', () => {
    expect(toMermaid(trivialWorkflow(), { direction: 'LR' }).startsWith('flowchart LR\n')).toBe(
      true,
    );
  });
});
