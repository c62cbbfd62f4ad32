import {
  AgentryError,
  createAgentry,
  definePlugin,
  type AgentInstance,
  type AgentryPlugin,
  type ConfigurationIssue,
} from '@agentry/core';
import { monitoring } from '@agentry/monitoring';
import { describe, expect, it } from 'vitest';
import {
  agent,
  fullConfig,
  fullEnv,
  providerKey,
  securityPlugin,
  testProvider,
} from './fixtures.js';

type Config = Record<string, any>;

interface Case {
  name: string;
  change?: (config: Config) => void;
  env?: (env: Record<string, string>) => void;
  plugins?: AgentryPlugin[];
  agents?: AgentInstance[];
  /** Every issue expected, as [path, code], in the order reported; or the code of a thrown plug-in error. */
  expected: [string, string][] | { thrown: string };
}

const rate = (config: Config) => config.security.accessControl.rateLimiting;
const compliance = (config: Config) => config.monitoring.logging.compliance;
const model = (config: Config) => config.models.availableModels['openai:gpt-4o'];
const SECOND_ID = '9c5b94b1-35ad-49bb-b118-8e8fc24abf80';

const cases: Case[] = [
  // The document itself
  {
    name: 'schemaVersion missing',
    change: (c) => delete c.schemaVersion,
    expected: [['schemaVersion', 'schema_version_missing']],
  },
  {
    name: 'schemaVersion not a string',
    change: (c) => (c.schemaVersion = 1),
    expected: [['schemaVersion', 'validation_failed']],
  },
  {
    name: 'unknown top-level key, a typo of a section',
    change: (c) => ((c.model = c.models), delete c.models),
    expected: [
      ['model', 'validation_failed'],
      // Without its section the registry's one required value is what is missing.
      ['models.defaultModel', 'validation_failed'],
    ],
  },
  {
    name: 'communication section without @agentry/realtime',
    change: (c) => (c.communication = { realtime: {} }),
    expected: [['communication', 'plugin_missing']],
  },
  {
    name: 'workflows section without @agentry/workflows',
    change: (c) => (c.workflows = { workflows: {} }),
    expected: [['workflows', 'plugin_missing']],
  },
  {
    name: 'security section without its plug-in',
    plugins: [testProvider, monitoring()],
    expected: [['security', 'plugin_missing']],
  },
  {
    name: 'SOC 2 and GDPR on with no security plug-in or section',
    change: (c) => delete c.security,
    plugins: [testProvider, monitoring()],
    expected: [...soc2SecurityControls('security'), ...gdprSecurityControls('security')],
  },
  {
    name: 'authentication of the wrong type',
    change: (c) => (c.authentication = 'oauth'),
    expected: [['authentication', 'validation_failed']],
  },
  // Providers and keys
  {
    name: 'provider of a malformed type',
    change: (c) => (c.authentication.providers[0].type = 'Azure OpenAI'),
    expected: [['authentication.providers[0].type', 'validation_failed']],
  },
  {
    name: 'provider of a type no installed plug-in serves',
    change: (c) => (c.authentication.providers[0].type = 'azure'),
    expected: [['authentication.providers[0].type', 'plugin_missing']],
  },
  {
    name: 'provider with no plug-in serving its type',
    change: (c) =>
      c.authentication.providers.push({
        name: 'claude',
        type: 'anthropic',
        authentication: { type: 'api_key', configuration: { apiKey: '${env:OPENAI_TEST_KEY}' } },
        models: [],
      }),
    expected: [['authentication.providers[1].type', 'plugin_missing']],
  },
  {
    name: 'malformed API key from the environment',
    env: (e) => (e.OPENAI_TEST_KEY = ['sk', 'short'].join('-')),
    expected: [
      ['authentication.providers[0].authentication.configuration.apiKey', 'invalid_api_key_format'],
    ],
  },
  {
    name: 'malformed API key with a stray space',
    env: (e) => (e.OPENAI_TEST_KEY = `${providerKey()} `),
    expected: [
      ['authentication.providers[0].authentication.configuration.apiKey', 'invalid_api_key_format'],
    ],
  },
  {
    name: 'empty API key',
    change: (c) => (c.authentication.providers[0].authentication.configuration.apiKey = ''),
    expected: [
      ['authentication.providers[0].authentication.configuration.apiKey', 'validation_failed'],
    ],
  },
  {
    name: 'environment variable for the key not set',
    env: (e) => delete e.OPENAI_TEST_KEY,
    expected: [
      ['authentication.providers[0].authentication.configuration.apiKey', 'secret_unresolved'],
    ],
  },
  {
    name: 'duplicate provider names',
    change: (c) => c.authentication.providers.push({ ...c.authentication.providers[0] }),
    expected: [['authentication.providers[1].name', 'duplicate_id']],
  },
  {
    name: 'defaultProvider not configured',
    change: (c) => (c.authentication.defaultProvider = 'azure'),
    expected: [['authentication.defaultProvider', 'validation_failed']],
  },
  {
    name: 'endpoint that is not http(s)',
    change: (c) => (c.authentication.providers[0].endpoint = 'ftp://models.example.com'),
    expected: [['authentication.providers[0].endpoint', 'validation_failed']],
  },
  {
    name: 'api_key method carrying a token',
    change: (c) =>
      (c.authentication.providers[0].authentication.configuration = {
        token: '${env:OPENAI_TEST_KEY}',
      }),
    expected: [
      // A keyless api_key entry reads OPENAI_API_KEY, which this environment does not set.
      ['authentication.providers[0].authentication.configuration.apiKey', 'secret_unresolved'],
      ['authentication.providers[0].authentication.configuration.token', 'validation_failed'],
    ],
  },
  {
    name: 'unknown authentication method',
    change: (c) => (c.authentication.providers[0].authentication.type = 'basic'),
    expected: [['authentication.providers[0].authentication.type', 'validation_failed']],
  },
  // OAuth2 and rotation
  {
    name: 'redirect URI over http on a public host',
    change: (c) => (c.authentication.oauth2.redirectUri = 'http://app.example.com/cb'),
    expected: [['authentication.oauth2.redirectUri', 'validation_failed']],
  },
  {
    name: 'relative redirect URI',
    change: (c) => (c.authentication.oauth2.redirectUri = '/oauth/callback'),
    expected: [['authentication.oauth2.redirectUri', 'validation_failed']],
  },
  {
    name: 'javascript: redirect URI',
    change: (c) => (c.authentication.oauth2.redirectUri = 'javascript:alert(1)'),
    expected: [['authentication.oauth2.redirectUri', 'validation_failed']],
  },
  {
    name: 'token endpoint over http on a public host',
    change: (c) => (c.authentication.oauth2.tokenEndpoint = 'http://auth.example.com/token'),
    expected: [['authentication.oauth2.tokenEndpoint', 'validation_failed']],
  },
  {
    name: 'OAuth2 without clientId',
    change: (c) => delete c.authentication.oauth2.clientId,
    expected: [['authentication.oauth2.clientId', 'validation_failed']],
  },
  {
    name: 'rotation interval zero',
    change: (c) => (c.authentication.apiKeyRotation.rotationInterval = 0),
    expected: [['authentication.apiKeyRotation.rotationInterval', 'validation_failed']],
  },
  {
    name: 'rotation interval negative',
    change: (c) => (c.authentication.apiKeyRotation.rotationInterval = -5),
    expected: [['authentication.apiKeyRotation.rotationInterval', 'validation_failed']],
  },
  {
    name: 'rotation interval fractional',
    change: (c) => (c.authentication.apiKeyRotation.rotationInterval = 1.5),
    expected: [['authentication.apiKeyRotation.rotationInterval', 'validation_failed']],
  },
  {
    name: 'key max age NaN',
    change: (c) => (c.authentication.apiKeyRotation.maxAge = Number.NaN),
    expected: [['authentication.apiKeyRotation.maxAge', 'validation_failed']],
  },
  {
    name: 'key max age shorter than the rotation interval',
    change: (c) => (c.authentication.apiKeyRotation.maxAge = 12),
    expected: [['authentication.apiKeyRotation.maxAge', 'validation_failed']],
  },
  // Models
  {
    name: 'default model not registered',
    change: (c) => (c.models.defaultModel = 'openai:gpt-5-preview'),
    expected: [['models.defaultModel', 'unknown_model']],
  },
  {
    name: 'fallback chain naming an unregistered model',
    change: (c) => (c.models.fallbackChain = ['anthropic:claude-2']),
    expected: [['models.fallbackChain[0]', 'unknown_model']],
  },
  {
    name: 'fallback chain repeating a model',
    change: (c) => c.models.fallbackChain.push(c.models.fallbackChain[0]),
    expected: [['models.fallbackChain[2]', 'duplicate_id']],
  },
  {
    name: 'model id without a provider',
    change: (c) => (c.models.availableModels['gpt-4o-mini'] = { ...model(c), name: 'gpt-4o-mini' }),
    expected: [['models.availableModels["gpt-4o-mini"]', 'validation_failed']],
  },
  {
    name: 'model name differing from its id',
    change: (c) => (model(c).name = 'gpt-4'),
    expected: [['models.availableModels["openai:gpt-4o"].name', 'validation_failed']],
  },
  {
    name: 'maxTokens zero',
    change: (c) => (model(c).capabilities.maxTokens = 0),
    expected: [
      ['models.availableModels["openai:gpt-4o"].capabilities.maxTokens', 'validation_failed'],
    ],
  },
  {
    name: 'maxConcurrency fractional',
    change: (c) => (model(c).capabilities.maxConcurrency = 2.5),
    expected: [
      ['models.availableModels["openai:gpt-4o"].capabilities.maxConcurrency', 'validation_failed'],
    ],
  },
  {
    name: 'currency not ISO 4217',
    change: (c) => (model(c).pricing.currency = 'usd'),
    expected: [['models.availableModels["openai:gpt-4o"].pricing.currency', 'validation_failed']],
  },
  {
    name: 'negative price',
    change: (c) => (model(c).pricing.inputPerMillionTokens = -1),
    expected: [
      [
        'models.availableModels["openai:gpt-4o"].pricing.inputPerMillionTokens',
        'validation_failed',
      ],
    ],
  },
  {
    name: 'autoDetection as a string',
    change: (c) => (c.models.autoDetection = 'true'),
    expected: [['models.autoDetection', 'validation_failed']],
  },
  // Versioning
  {
    name: 'unknown migration strategy',
    change: (c) => (c.versioning.migrationStrategy.type = 'auto'),
    expected: [['versioning.migrationStrategy.type', 'validation_failed']],
  },
  {
    name: 'compatibility entry with a malformed version',
    change: (c) => (c.versioning.compatibilityMatrix[0].fromVersion = 'one'),
    expected: [['versioning.compatibilityMatrix[0].fromVersion', 'validation_failed']],
  },
  // Rate limits
  {
    name: 'rate limit key typo requestPerMinute',
    change: (c) => ((rate(c).requestPerMinute = 600), delete rate(c).requestsPerMinute),
    expected: [
      ['security.accessControl.rateLimiting.requestsPerMinute', 'validation_failed'],
      ['security.accessControl.rateLimiting.requestPerMinute', 'validation_failed'],
    ],
  },
  {
    name: 'requests per minute zero',
    change: (c) => (rate(c).requestsPerMinute = 0),
    expected: [['security.accessControl.rateLimiting.requestsPerMinute', 'validation_failed']],
  },
  {
    name: 'requests per minute negative',
    change: (c) => (rate(c).requestsPerMinute = -10),
    expected: [['security.accessControl.rateLimiting.requestsPerMinute', 'validation_failed']],
  },
  {
    name: 'requests per minute NaN',
    change: (c) => (rate(c).requestsPerMinute = Number.NaN),
    expected: [['security.accessControl.rateLimiting.requestsPerMinute', 'validation_failed']],
  },
  {
    name: 'requests per minute fractional',
    change: (c) => (rate(c).requestsPerMinute = 12.5),
    expected: [['security.accessControl.rateLimiting.requestsPerMinute', 'validation_failed']],
  },
  {
    name: 'burst limit Infinity',
    change: (c) => (rate(c).burstLimit = Infinity),
    expected: [['security.accessControl.rateLimiting.burstLimit', 'validation_failed']],
  },
  {
    name: 'burst limit as a string',
    change: (c) => (rate(c).burstLimit = '50'),
    expected: [['security.accessControl.rateLimiting.burstLimit', 'validation_failed']],
  },
  {
    name: 'unknown penalty strategy',
    change: (c) => (rate(c).penaltyStrategy = 'drop'),
    expected: [['security.accessControl.rateLimiting.penaltyStrategy', 'validation_failed']],
  },
  // Security section
  {
    name: 'unsupported encryption algorithm',
    change: (c) => (c.security.encryption.algorithm = 'AES-128-CBC'),
    expected: [['security.encryption.algorithm', 'validation_failed']],
  },
  {
    name: 'permission with no actions',
    change: (c) => (c.security.accessControl.permissions[0].actions = []),
    expected: [['security.accessControl.permissions[0].actions', 'validation_failed']],
  },
  {
    name: 'permission with an unknown action',
    change: (c) => (c.security.accessControl.permissions[0].actions = ['execute']),
    expected: [['security.accessControl.permissions[0].actions[0]', 'validation_failed']],
  },
  // Monitoring section
  {
    name: 'unknown export format',
    change: (c) => (c.monitoring.metrics.exportFormats = ['csv']),
    expected: [['monitoring.metrics.exportFormats[0]', 'validation_failed']],
  },
  {
    name: 'error rate above 100 %',
    change: (c) => (c.monitoring.performanceThresholds.maxErrorRate = 150),
    expected: [['monitoring.performanceThresholds.maxErrorRate', 'validation_failed']],
  },
  {
    name: 'alert without channels',
    change: (c) => (c.monitoring.alerts[0].channels = []),
    expected: [['monitoring.alerts[0].channels', 'validation_failed']],
  },
  {
    name: 'Slack channel over http',
    change: (c) =>
      (c.monitoring.alerts[0].channels = [
        { type: 'slack', configuration: { webhookUrl: 'http://hooks.slack.example/x' } },
      ]),
    expected: [['monitoring.alerts[0].channels[0].configuration.webhookUrl', 'validation_failed']],
  },
  {
    name: 'email channel with a bad address',
    change: (c) =>
      (c.monitoring.alerts[0].channels = [
        {
          type: 'email',
          configuration: {
            to: ['ops-at-example.com'],
            from: 'agentry@example.com',
            host: 'smtp.example.com',
          },
        },
      ]),
    expected: [['monitoring.alerts[0].channels[0].configuration.to[0]', 'validation_failed']],
  },
  {
    name: 'email channel without its SMTP server and sender',
    change: (c) =>
      (c.monitoring.alerts[0].channels = [
        { type: 'email', configuration: { to: ['ops@example.com'] } },
      ]),
    expected: [
      ['monitoring.alerts[0].channels[0].configuration.from', 'validation_failed'],
      ['monitoring.alerts[0].channels[0].configuration.host', 'validation_failed'],
    ],
  },
  {
    name: 'SMS channel from a number not in E.164 form',
    change: (c) =>
      (c.monitoring.alerts[0].channels = [
        {
          type: 'sms',
          configuration: {
            to: ['+14155550123'],
            from: '555-0100',
            accountSid: 'AC01',
            authToken: '${env:AGENTRY_OAUTH_CLIENT_SECRET}',
          },
        },
      ]),
    expected: [['monitoring.alerts[0].channels[0].configuration.from', 'validation_failed']],
  },
  // SOC 2 and GDPR baselines
  {
    name: 'SOC 2 and GDPR: no encryption at rest',
    change: (c) => (c.security.encryption.atRest = false),
    expected: [
      ['security.encryption.atRest', 'compliance_failed'],
      ['security.encryption.atRest', 'compliance_failed'],
    ],
  },
  {
    name: 'SOC 2: no encryption in transit',
    change: (c) => (c.security.encryption.inTransit = false),
    expected: [['security.encryption.inTransit', 'compliance_failed']],
  },
  {
    name: 'SOC 2: no key rotation',
    change: (c) => (c.security.encryption.keyRotation = false),
    expected: [['security.encryption.keyRotation', 'compliance_failed']],
  },
  {
    name: 'SOC 2: no audit logging',
    change: (c) => (c.security.auditLogging = false),
    expected: [['security.auditLogging', 'compliance_failed']],
  },
  {
    name: 'SOC 2: RBAC off',
    change: (c) => (c.security.accessControl.rbac = false),
    expected: [['security.accessControl.rbac', 'compliance_failed']],
  },
  {
    name: 'SOC 2: RBAC with no permissions',
    change: (c) => (c.security.accessControl.permissions = []),
    expected: [['security.accessControl.permissions', 'compliance_failed']],
  },
  {
    name: 'SOC 2: rate limiting off',
    change: (c) => (rate(c).enabled = false),
    expected: [['security.accessControl.rateLimiting.enabled', 'compliance_failed']],
  },
  {
    name: 'SOC 2 and GDPR: no audit trail',
    change: (c) => (compliance(c).auditTrail = false),
    expected: [
      ['monitoring.logging.compliance.auditTrail', 'compliance_failed'],
      ['monitoring.logging.compliance.auditTrail', 'compliance_failed'],
    ],
  },
  {
    name: 'SOC 2: retention under a year',
    change: (c) => (compliance(c).dataRetention = 30),
    expected: [['monitoring.logging.compliance.dataRetention', 'compliance_failed']],
  },
  {
    name: 'SOC 2: unstructured logs',
    change: (c) => (c.monitoring.logging.structured = false),
    expected: [['monitoring.logging.structured', 'compliance_failed']],
  },
  {
    name: 'SOC 2: API-key rotation off',
    change: (c) => (c.authentication.apiKeyRotation.enabled = false),
    expected: [['authentication.apiKeyRotation.enabled', 'compliance_failed']],
  },
  {
    name: 'SOC 2: keys may live a year',
    change: (c) => (c.authentication.apiKeyRotation.maxAge = 8760),
    expected: [['authentication.apiKeyRotation.maxAge', 'compliance_failed']],
  },
  {
    name: 'SOC 2: client secret written inline',
    change: (c) => (c.authentication.oauth2.clientSecret = 'inline-client-secret-0042'),
    expected: [['authentication.oauth2.clientSecret', 'compliance_failed']],
  },
  {
    name: 'GDPR: no data masking',
    change: (c) => (c.security.dataMasking = false),
    expected: [['security.dataMasking', 'compliance_failed']],
  },
  {
    name: 'GDPR: retention of ten years',
    change: (c) => (compliance(c).dataRetention = 3650),
    expected: [['monitoring.logging.compliance.dataRetention', 'compliance_failed']],
  },
  {
    name: 'data retention zero',
    change: (c) => (compliance(c).dataRetention = 0),
    expected: [['monitoring.logging.compliance.dataRetention', 'validation_failed']],
  },
  // Agents
  {
    name: 'agent id that is not a UUID',
    agents: [agent({ id: 'agent-1' })],
    expected: [['agents[0].id', 'validation_failed']],
  },
  {
    name: 'two agents with one id',
    agents: [agent(), agent()],
    expected: [['agents[1].id', 'duplicate_id']],
  },
  {
    name: 'agent on an unregistered model',
    agents: [agent({ id: SECOND_ID, model: { ...agent().model, model: 'gpt-3.5-turbo' } })],
    expected: [['agents[0].model.model', 'unknown_model']],
  },
  {
    name: 'agent with a malformed key of its own',
    agents: [agent({ model: { ...agent().model, apiKey: 'sk-123' } })],
    expected: [['agents[0].model.apiKey', 'invalid_api_key_format']],
  },
  // Plug-ins
  {
    name: 'a plug-in installed twice',
    plugins: [testProvider, securityPlugin(), securityPlugin(), monitoring()],
    expected: { thrown: 'plugin_duplicate' },
  },
  {
    name: 'a plug-in built for another core',
    plugins: [
      testProvider,
      securityPlugin(),
      monitoring(),
      definePlugin({ name: 'legacy', version: '0.9.0', requires: { '@agentry/core': '^0.0.3' } }),
    ],
    expected: { thrown: 'plugin_incompatible' },
  },
];

function soc2SecurityControls(path: string): [string, string][] {
  return [
    'encryption-at-rest',
    'encryption-in-transit',
    'key-rotation',
    'audit-logging',
    'access-control',
    'rate-limiting',
  ].map(() => [path, 'compliance_failed']);
}
function gdprSecurityControls(path: string): [string, string][] {
  return ['data-masking', 'encryption-at-rest'].map(() => [path, 'compliance_failed']);
}

async function run(testCase: Case): Promise<{ issues?: ConfigurationIssue[]; thrown?: string }> {
  const config = fullConfig();
  testCase.change?.(config);
  const env = fullEnv();
  testCase.env?.(env);
  try {
    const agentry = await createAgentry({
      config,
      env,
      plugins: testCase.plugins ?? [testProvider, securityPlugin(), monitoring()],
      ...(testCase.agents ? { agents: testCase.agents } : {}),
    });
    await agentry.shutdown();
    return {};
  } catch (error) {
    if (!AgentryError.isInstance(error)) throw error;
    if (error.code === 'config_invalid')
      return { issues: error.details.issues as ConfigurationIssue[] };
    return { thrown: error.code };
  }
}

describe('createAgentry with an invalid configuration', () => {
  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it('accepts the base configuration the cases start from', async () => {
    expect(await run({ name: 'base', expected: [] })).toEqual({});
  });

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    async (_name, testCase) => {
      const outcome = await run(testCase);
      if ('thrown' in testCase.expected) {
        expect(outcome.thrown).toBe(testCase.expected.thrown);
        return;
      }
      expect(outcome.thrown).toBeUndefined();
      expect(outcome.issues?.map((issue) => [issue.path, issue.code])).toEqual(testCase.expected);
      for (const issue of outcome.issues ?? []) {
        expect(issue.message.length, issue.path).toBeGreaterThan(10);
        expect(issue.suggestion.length, issue.path).toBeGreaterThan(5);
      }
      // No secret ever appears in what is reported.
      const reported = JSON.stringify(outcome.issues);
      expect(reported).not.toContain(providerKey());
      expect(reported).not.toContain('quickstart-secret-abcdef');
      expect(reported).not.toContain('inline-client-secret-0042');
    },
  );
});
