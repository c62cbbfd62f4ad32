import { describe, expect, it } from 'vitest';
import { negativeCorpus, positiveCorpus } from './__fixtures__/masking-corpus.js';
import { createMasker } from './create-masker.js';

describe('createMasker on the corpora', () => {
  const masker = createMasker();
  const positives = positiveCorpus();
  const negatives = negativeCorpus();

  it('finds every secret, and personal data with precision of at least 0.95', () => {
    const missed: string[] = [];
    let found = 0;
    let secrets = 0;
    let secretsFound = 0;
    for (const item of positives) {
      const masked = masker.maskText(item.text);
      // Neither end of the value may survive, so a key masked only in part is a miss.
      const edge = Math.min(10, item.value.length);
      const hit =
        !masked.includes(item.value.slice(0, edge)) &&
        !masked.includes(item.value.slice(-edge)) &&
        masked.includes(item.placeholder);
      if (item.kind === 'secret') secrets += 1;
      if (hit) {
        found += 1;
        if (item.kind === 'secret') secretsFound += 1;
      } else
        missed.push(
          `${item.placeholder} in ${JSON.stringify(item.text)} -> ${JSON.stringify(masked)}`,
        );
    }
    const falsePositives = negatives.filter((text) => masker.maskText(text) !== text);
    const precision = found / (found + falsePositives.length);
    const recall = found / positives.length;
    const secretRecall = secretsFound / secrets;
    console.log(
      `masking corpus: ${positives.length} positive texts (${secrets} secrets), ${negatives.length} negative texts; ` +
        `precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}, secret recall ${secretRecall.toFixed(4)}, ` +
        `false positives ${falsePositives.length}`,
    );
    expect(missed).toEqual([]);
    expect(secretRecall).toBe(1);
    expect(falsePositives).toEqual([]);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });

  it('is idempotent and keeps JSON text parseable', () => {
    for (const item of positives) {
      const once = masker.maskText(item.text);
      expect(masker.maskText(once)).toBe(once);
      if (item.text.startsWith('{')) expect(() => JSON.parse(once) as unknown).not.toThrow();
    }
  });
});
