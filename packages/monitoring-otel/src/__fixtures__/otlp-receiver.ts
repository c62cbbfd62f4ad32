import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IExportTraceServiceResponse } from '@opentelemetry/otlp-transformer';
import { afterEach } from 'vitest';

// The OTLP/JSON encoding of the collector's trace and metric services (opentelemetry-proto,
// `ExportTraceServiceRequest` / `ExportMetricsServiceRequest`), as far as the tests read it;
// `@opentelemetry/otlp-transformer` 0.223 exports only the response types.
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number };
}
interface OtlpTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: {
      scope?: { name?: string; version?: string };
      schemaUrl?: string;
      spans?: OtlpSpan[];
    }[];
  }[];
}
interface OtlpMetricsRequest {
  resourceMetrics?: { scopeMetrics?: { metrics?: { name: string }[] }[] }[];
}

/** A span as received, attributes decoded. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly scope: string | undefined;
  readonly schemaUrl: string | undefined;
}

/** A loopback OTLP/HTTP receiver, closed after the test. */
export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly metricNames: Set<string>;
  /** The content types of the requests received, by path. */
  readonly contentTypes: string[];
}

const open: Server[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** Starts a receiver on 127.0.0.1 that decodes OTLP/JSON traces and metrics. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metricNames = new Set<string>();
  const contentTypes: string[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      contentTypes.push(`${request.url ?? ''} ${request.headers['content-type'] ?? ''}`);
      if (request.method !== 'POST' || request.headers['content-type'] !== 'application/json') {
        response.writeHead(415).end();
        return;
      }
      if (request.url === '/v1/traces')
        spans.push(...decodeSpans(JSON.parse(body) as OtlpTraceRequest));
      else if (request.url === '/v1/metrics') {
        const decoded = JSON.parse(body) as OtlpMetricsRequest;
        for (const resource of decoded.resourceMetrics ?? [])
          for (const scope of resource.scopeMetrics ?? [])
            for (const metric of scope.metrics ?? []) metricNames.add(metric.name);
      } else {
        response.writeHead(404).end();
        return;
      }
      const reply: IExportTraceServiceResponse = {};
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  open.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, metricNames, contentTypes };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function decodeSpans(request: OtlpTraceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = toRecord(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind,
        attributes: toRecord(span.attributes),
        resource,
        scope: scopeSpans.scope?.name,
        schemaUrl: scopeSpans.schemaUrl,
      })),
    );
  });
}

function toRecord(attributes: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, toValue(value)]));
}

function toValue(value: OtlpAnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(toValue);
  return undefined;
}
