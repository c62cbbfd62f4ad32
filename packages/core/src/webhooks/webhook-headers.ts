/**
 * The header that carries a webhook request's signature, `t=<unix seconds>,v1=<hex>`: see
 * {@link signWebhook} and {@link verifyWebhook}. Every webhook Agentry sends or receives uses it
 * (alert deliveries of `@agentry/monitoring`, webhook triggers of `@agentry/workflows`).
 *
 * @example
 * ```ts
 * import { signWebhook, webhookDeliveryHeader, webhookSignatureHeader } from '@agentry/core';
 *
 * const body = JSON.stringify({ orderId: 'A-1001' });
 * await fetch('http://127.0.0.1:3000/hooks/orders', {
 *   method: 'POST',
 *   headers: {
 *     'content-type': 'application/json',
 *     [webhookSignatureHeader]: signWebhook({ secret: process.env.WEBHOOK_SECRET ?? '', body }),
 *     [webhookDeliveryHeader]: crypto.randomUUID(),
 *   },
 *   body,
 * });
 * ```
 */
export const webhookSignatureHeader = 'x-agentry-signature';

/**
 * The header that carries a webhook delivery's id: the same on every retry of one delivery, so a
 * receiver processes it once.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { webhookDeliveryHeader } from '@agentry/core';
 *
 * const seen = new Set<string>();
 * createServer((request, response) => {
 *   const id = String(request.headers[webhookDeliveryHeader]);
 *   if (!seen.has(id)) seen.add(id); // act on the delivery once
 *   response.writeHead(204).end();
 * }).listen(8080);
 * ```
 */
export const webhookDeliveryHeader = 'x-agentry-delivery';
