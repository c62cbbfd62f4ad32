import { modelCapabilitiesSchema, providerTypeSchema } from '@agentry/core';
import { generateCall, streamCall } from './call-model.js';
import { imageRequest, ONE_PIXEL_PNG_BASE64 } from './conformance-requests.js';
import { expectGenerateThrew, expectStreamSuccess, expectStreamThrew } from './expect-outcome.js';
import { check, type ProviderCheck, type ProviderCheckContext } from './provider-check.js';

const group = 'capabilities';

function readsImages(context: ProviderCheckContext): boolean {
  return context.createModel().capabilities.supportsVision;
}

/**
 * Checks of what the model declares and of the vision rule.
 *
 * @internal
 */
export const capabilityChecks: readonly ProviderCheck[] = [
  {
    group,
    name: 'declares specification v1, its model id, a provider type and valid capabilities',
    run(context) {
      const model = context.createModel();
      check(
        model.specificationVersion === 'v1',
        `specificationVersion is ${JSON.stringify(model.specificationVersion)}; this core speaks "v1".`,
      );
      check(
        model.modelId === context.modelId,
        `modelId is ${JSON.stringify(model.modelId)}; the model was created as ${JSON.stringify(context.modelId)}.`,
      );
      check(
        providerTypeSchema.safeParse(model.provider).success,
        `provider is ${JSON.stringify(model.provider)}, which is not a provider type (a lowercase name such as openai or acme; see PROVIDER_TYPE_PATTERN).`,
      );
      const parsed = modelCapabilitiesSchema.safeParse(model.capabilities);
      check(
        parsed.success,
        () =>
          `capabilities ${JSON.stringify(model.capabilities)} do not match modelCapabilitiesSchema: ${
            parsed.error?.issues
              .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
              .join('; ') ?? ''
          }`,
      );
      if (context.vision !== undefined) {
        check(
          model.capabilities.supportsVision === context.vision,
          `capabilities.supportsVision is ${String(model.capabilities.supportsVision)}, but the suite was told the model ${context.vision ? 'reads' : 'does not read'} images.`,
        );
      }
      return Promise.resolve();
    },
  },
  {
    group,
    name: 'refuses an image with invalid_request before any request, as a model without vision',
    skip: (context) => (readsImages(context) ? 'the model reads images' : undefined),
    async run(context) {
      context.server.setDefault({ text: 'A single transparent pixel.' });
      const model = context.createModel();
      const scenario = 'of an image to a model without vision';
      expectStreamThrew(await streamCall(model, imageRequest()), ['invalid_request'], scenario);
      expectGenerateThrew(await generateCall(model, imageRequest()), ['invalid_request'], scenario);
      check(
        context.server.requests.length === 0,
        `The provider sent ${context.server.requests.length} request(s) with an image for a model without vision; refuse it before any call (guardModel does).`,
      );
    },
  },
  {
    group,
    name: 'sends an image part to the server, as a model with vision',
    skip: (context) => (readsImages(context) ? undefined : 'the model does not read images'),
    async run(context) {
      context.server.enqueue({ text: 'A single transparent pixel.' });
      expectStreamSuccess(
        await streamCall(context.createModel(), imageRequest()),
        'of a request with an image',
      );
      const body = JSON.stringify(context.server.requests[0]?.body ?? null);
      check(
        body.includes(ONE_PIXEL_PNG_BASE64),
        'The request does not carry the image bytes (as base64) of the user message.',
      );
    },
  },
];
