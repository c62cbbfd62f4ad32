export {
  signLegacyWebhook,
  signWebhook,
  type LegacyWebhookSignOptions,
  type SignWebhookOptions,
} from './sign-webhook.js';
export {
  verifyWebhook,
  type LegacyWebhookVerifyOptions,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  type WebhookSignatureFailure,
} from './verify-webhook.js';
export { webhookDeliveryHeader, webhookSignatureHeader } from './webhook-headers.js';
