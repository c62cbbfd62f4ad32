import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AgentryError,
  verifyWebhook,
  webhookDeliveryHeader,
  webhookSignatureHeader,
} from '@agentry/core';
import type { AlertNotification } from '@agentry/monitoring';

/**
 * A local alert webhook on 127.0.0.1 (a free port). A delivery whose `X-Agentry-Signature` is
 * valid for `secret` (core's `verifyWebhook`: the HMAC matches and its time is within 5 minutes)
 * is answered 204 and handed to `onAlert`; any other is answered 401 with the reason (and the
 * sender counts a failed delivery).
 */
export async function startWebhookReceiver(
  secret: string,
  onAlert: (alert: AlertNotification, deliveryId: string) => void,
) {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const header = request.headers[webhookSignatureHeader];
      try {
        verifyWebhook({ body, header: typeof header === 'string' ? header : undefined, secret });
      } catch (error) {
        // unauthenticated answers 401 with its reason: missing, malformed, expired or mismatch.
        if (!AgentryError.isInstance(error)) return void response.writeHead(500).end();
        const reason = error.details.reason;
        return void response
          .writeHead(error.httpStatus)
          .end(typeof reason === 'string' ? reason : '');
      }
      onAlert(
        JSON.parse(body.toString('utf8')) as AlertNotification,
        String(request.headers[webhookDeliveryHeader]),
      );
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
