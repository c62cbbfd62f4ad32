import { AgentryError, withTimeout, type ErrorCode } from '@agentry/core';
import type { Transporter } from 'nodemailer';
import type { ChannelConfiguration } from '../../config/notification-channel.js';
import { notificationText } from '../alert-notification.js';
import type { AlertChannel } from './alert-channel.js';
import { deliverWithRetry, type DeliveryPolicy } from './deliver-with-retry.js';

/** Failures of the connection itself, worth another attempt. */
const connectionCodes: ReadonlySet<string> = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
]);

/**
 * An SMTP failure as an {@link AgentryError}: a transient SMTP reply (4xx) or a failed
 * connection is recoverable (retried); a permanent reply (5xx), a refused login or a server
 * without STARTTLS when TLS is required is not. The message quotes the server's reply code, never
 * the credentials.
 *
 * @internal
 */
export function toSmtpError(error: unknown, receiver: string): AgentryError {
  if (AgentryError.isInstance(error)) return error;
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  const smtpCode = typeof code === 'string' ? code : undefined;
  const reply = typeof responseCode === 'number' ? responseCode : undefined;
  let agentryCode: ErrorCode;
  let suggestion: string;
  if (smtpCode === 'EAUTH') {
    agentryCode = 'auth_failed';
    suggestion = 'Check auth.user and auth.password of the email channel.';
  } else if (smtpCode === 'ETLS' || (error instanceof Error && /STARTTLS/i.test(error.message))) {
    agentryCode = 'invalid_request';
    suggestion =
      'The server does not offer STARTTLS while requireTLS (or auth) asks for encryption: use its TLS port with secure: true, or a server that offers STARTTLS.';
  } else if (reply !== undefined && reply >= 400 && reply < 500) {
    agentryCode = 'provider_unavailable';
    suggestion = 'The server deferred the message; it was retried with backoff.';
  } else if (smtpCode !== undefined && connectionCodes.has(smtpCode)) {
    agentryCode = 'network';
    suggestion = 'Check host and port of the email channel, and that the server is reachable.';
  } else {
    agentryCode = 'invalid_request';
    suggestion =
      'Check the addresses (from, to) of the email channel against what the server accepts.';
  }
  return new AgentryError({
    code: agentryCode,
    message: `The ${receiver} refused or failed the message (${smtpCode ?? 'error'}${reply !== undefined ? `, reply ${reply}` : ''}).`,
    details: {
      receiver,
      ...(smtpCode !== undefined ? { smtpCode } : {}),
      ...(reply !== undefined ? { reply } : {}),
    },
    suggestions: [suggestion],
    cause: error,
  });
}

/**
 * An email channel: one message to every recipient through the configured SMTP server. With
 * `secure: false` (the default) the connection is upgraded with STARTTLS whenever the server
 * offers it; `requireTLS` (implied by `auth`) refuses to send in clear.
 *
 * @internal
 */
export function createEmailChannel(
  id: string,
  configuration: ChannelConfiguration<'email'>,
  policy: DeliveryPolicy,
): AlertChannel {
  const secure = configuration.secure ?? false;
  // nodemailer is loaded with the first email, so that the main entry stays light for apps
  // without an email channel.
  let transport: Promise<Transporter> | undefined;
  const connect = (): Promise<Transporter> =>
    (transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({
        host: configuration.host,
        port: configuration.port ?? (secure ? 465 : 587),
        secure,
        requireTLS: !secure && (configuration.requireTLS ?? configuration.auth !== undefined),
        ...(configuration.auth
          ? { auth: { user: configuration.auth.user, pass: configuration.auth.password } }
          : {}),
        ...(configuration.ca !== undefined ? { tls: { ca: configuration.ca } } : {}),
        connectionTimeout: policy.timeoutMs,
        greetingTimeout: policy.timeoutMs,
        socketTimeout: policy.timeoutMs,
      }),
    ));
  const receiver = `SMTP server of ${id}`;
  return {
    id,
    type: 'email',
    deliver(notification, context) {
      const message = {
        from: configuration.from,
        to: configuration.to,
        subject: `[${notification.severity.toUpperCase()}] ${notification.title}`,
        text: notificationText(notification),
        headers: { 'X-Agentry-Delivery': context.deliveryId },
      };
      return deliverWithRetry(
        () =>
          withTimeout(
            async () => {
              try {
                await (await connect()).sendMail(message);
              } catch (error) {
                throw toSmtpError(error, receiver);
              }
            },
            policy.timeoutMs,
            {
              clock: policy.clock,
              message: `The ${receiver} did not answer within ${policy.timeoutMs} ms.`,
            },
          ),
        policy,
        context.onRetry,
      );
    },
    async close() {
      if (transport) (await transport).close();
    },
  };
}
