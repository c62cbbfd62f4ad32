import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type {
  IExportMetricsServiceResponse,
  IExportTraceServiceResponse,
} from '@opentelemetry/otlp-transformer';
import { afterEach } from 'vitest';

// The official protobuf messages of the collector's trace and metric services
// (opentelemetry-proto), as `@opentelemetry/otlp-transformer` generated them with protobufjs and
// shipped them up to 0.216 (`build/src/generated/root.js`); 0.223 only serializes. Its typings
// declare a bare `Root`, so the few members read here are typed below.
interface GeneratedMessage {
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  toObject(message: object, options: { longs: StringConstructor }): unknown;
}
interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: Record<'ExportTraceServiceRequest' | 'ExportTraceServiceResponse', GeneratedMessage>;
        };
        metrics: {
          v1: Record<
            'ExportMetricsServiceRequest' | 'ExportMetricsServiceResponse',
            GeneratedMessage
          >;
        };
      };
    };
  };
}
const generated = createRequire(import.meta.url)(
  'otlp-transformer-protos/build/src/generated/root.js',
) as GeneratedRoot;
const services = generated.opentelemetry.proto.collector;

// The request shapes as far as the tests read them: OTLP/JSON as sent, and the protobuf messages
// after `toObject` (the same field names; ids as bytes instead of hex, 64-bit integers as strings).
type Id = string | Uint8Array;
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
  traceId: Id;
  spanId: Id;
  parentSpanId?: Id;
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
interface OtlpDataPoint {
  attributes?: OtlpKeyValue[];
  count?: number | string;
  sum?: number;
  asInt?: number | string;
  asDouble?: number;
}
interface OtlpMetric {
  name: string;
  unit?: string;
  histogram?: { dataPoints?: OtlpDataPoint[] };
  sum?: { dataPoints?: OtlpDataPoint[] };
  gauge?: { dataPoints?: OtlpDataPoint[] };
}
interface OtlpMetricsRequest {
  resourceMetrics?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeMetrics?: { scope?: { name?: string }; metrics?: OtlpMetric[] }[];
  }[];
}

/** A span as received, ids in hex and attributes decoded. */
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

/** A metric data point as received. */
export interface ReceivedPoint {
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Histograms: the number of measurements and their sum. */
  readonly count?: number;
  readonly sum?: number;
  /** Sums and gauges: the value. */
  readonly value?: number;
}

/** A metric as received. */
export interface ReceivedMetric {
  readonly name: string;
  readonly unit: string | undefined;
  readonly type: 'histogram' | 'sum' | 'gauge' | 'other';
  readonly scope: string | undefined;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly points: readonly ReceivedPoint[];
}

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  readonly path: string;
  readonly contentType: string;
  readonly status: number;
  /** The size of the body as sent. */
  readonly bytes: number;
}

/** A loopback OTLP/HTTP receiver, closed after the test. */
export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly metrics: ReceivedMetric[];
  readonly metricNames: Set<string>;
  /** Every request, answered or refused, in order. */
  readonly requests: ReceivedRequest[];
  /**
   * While `true`, every request is answered 503 with `Retry-After: 0` and what it carried is not
   * kept, as a collector that is down behind a load balancer answers.
   */
  unavailable: boolean;
  /**
   * While set, every request is answered with this status and no `Retry-After`, as a receiver
   * that refuses the data (400 for a body it cannot read, 401 for a wrong key).
   */
  refuseWith: number | undefined;
}

/** How the receiver answers. */
export interface OtlpReceiverOptions {
  /**
   * Answer the first N requests to each path with 503 and `Retry-After: 0` (retry at once),
   * without keeping what they carried, as a collector that is briefly overloaded does.
   */
  readonly unavailableFirst?: number;
  /** The port to listen on (default: any free one), to start a receiver late at a known address. */
  readonly port?: number;
}

const open: Server[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const contentTypes = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
} as const;

/**
 * Starts a receiver on 127.0.0.1 for `/v1/traces` and `/v1/metrics` that decodes both OTLP/HTTP
 * encodings: binary protobuf with the official generated messages, and OTLP/JSON. It answers in the
 * request's encoding, as a collector does.
 */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const metricNames = new Set<string>();
  const requests: ReceivedRequest[] = [];
  const unavailable = new Map<string, number>();
  const receiver: OtlpReceiver = {
    url: '',
    spans,
    metrics,
    metricNames,
    requests,
    unavailable: false,
    refuseWith: undefined,
  };
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const path = request.url ?? '';
      const contentType = request.headers['content-type'] ?? '';
      const answer = (status: number, headers: Record<string, string> = {}, reply?: Uint8Array) => {
        requests.push({ path, contentType, status, bytes: body.length });
        response.writeHead(status, headers).end(reply);
      };
      const encoding =
        contentType === contentTypes.protobuf
          ? 'protobuf'
          : contentType === contentTypes.json
            ? 'json'
            : undefined;
      if (request.method !== 'POST' || encoding === undefined) return answer(415);
      if (path !== '/v1/traces' && path !== '/v1/metrics') return answer(404);
      const refused = unavailable.get(path) ?? 0;
      if (receiver.unavailable) return answer(503, { 'retry-after': '0' });
      if (receiver.refuseWith !== undefined) return answer(receiver.refuseWith);
      if (refused < (options.unavailableFirst ?? 0)) {
        unavailable.set(path, refused + 1);
        return answer(503, { 'retry-after': '0' });
      }
      const bytes = request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      if (path === '/v1/traces') {
        const decoded =
          encoding === 'protobuf'
            ? (fromProtobuf(services.trace.v1.ExportTraceServiceRequest, bytes) as OtlpTraceRequest)
            : (JSON.parse(bytes.toString('utf8')) as OtlpTraceRequest);
        spans.push(...decodeSpans(decoded));
        const reply: IExportTraceServiceResponse = {};
        return answer(
          200,
          { 'content-type': contentType },
          toReply(services.trace.v1.ExportTraceServiceResponse, encoding, reply),
        );
      }
      const decoded =
        encoding === 'protobuf'
          ? (fromProtobuf(
              services.metrics.v1.ExportMetricsServiceRequest,
              bytes,
            ) as OtlpMetricsRequest)
          : (JSON.parse(bytes.toString('utf8')) as OtlpMetricsRequest);
      for (const metric of decodeMetrics(decoded)) {
        metrics.push(metric);
        metricNames.add(metric.name);
      }
      const reply: IExportMetricsServiceResponse = {};
      return answer(
        200,
        { 'content-type': contentType },
        toReply(services.metrics.v1.ExportMetricsServiceResponse, encoding, reply),
      );
    });
  });
  open.push(server);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}` });
}

function fromProtobuf(type: GeneratedMessage, bytes: Uint8Array): unknown {
  // `decode` throws on bytes that are not a valid message of this type.
  return type.toObject(type.decode(bytes), { longs: String });
}

function toReply(type: GeneratedMessage, encoding: 'protobuf' | 'json', reply: object): Uint8Array {
  return encoding === 'protobuf'
    ? type.encode(reply).finish()
    : Buffer.from(JSON.stringify(reply), 'utf8');
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** OTLP/JSON carries ids in hex, protobuf as bytes; the tests compare hex. */
function hex(id: Id | undefined): string | undefined {
  if (id === undefined) return undefined;
  const value = typeof id === 'string' ? id : Buffer.from(id).toString('hex');
  return value === '' ? undefined : value;
}

function decodeSpans(request: OtlpTraceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = toRecord(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: hex(span.traceId) ?? '',
        spanId: hex(span.spanId) ?? '',
        parentSpanId: hex(span.parentSpanId),
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

function decodeMetrics(request: OtlpMetricsRequest): ReceivedMetric[] {
  return (request.resourceMetrics ?? []).flatMap((resourceMetrics) => {
    const resource = toRecord(resourceMetrics.resource?.attributes);
    return (resourceMetrics.scopeMetrics ?? []).flatMap((scopeMetrics) =>
      (scopeMetrics.metrics ?? []).map((metric): ReceivedMetric => {
        const type = metric.histogram
          ? 'histogram'
          : metric.sum
            ? 'sum'
            : metric.gauge
              ? 'gauge'
              : 'other';
        const points = (metric.histogram ?? metric.sum ?? metric.gauge)?.dataPoints ?? [];
        return {
          name: metric.name,
          unit: metric.unit,
          type,
          scope: scopeMetrics.scope?.name,
          resource,
          points: points.map((point) => ({
            attributes: toRecord(point.attributes),
            ...(point.count !== undefined ? { count: Number(point.count) } : {}),
            ...(point.sum !== undefined ? { sum: point.sum } : {}),
            ...(point.asInt !== undefined ? { value: Number(point.asInt) } : {}),
            ...(point.asDouble !== undefined ? { value: point.asDouble } : {}),
          })),
        };
      }),
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
