import { describe, expect, it } from 'vitest';
import { compliantSecurityConfig } from '../__fixtures__/compliant-security-config.js';
import { deletePath, setPath } from '@agentry/testing';
import { securityControls, type SecurityControlId } from './security-controls.js';

/** The whole configuration around a compliant `security` section, changed by `change`. */
function configWith(change: (section: object) => void = () => {}) {
  const section = compliantSecurityConfig();
  change(section);
  return { security: section };
}

/** Each control that checks one switch: its id and the path of that switch. */
const switchControls: [SecurityControlId, string[]][] = [
  ['soc2.encryption-at-rest', ['security', 'encryption', 'atRest']],
  ['soc2.encryption-in-transit', ['security', 'encryption', 'inTransit']],
  ['soc2.key-rotation', ['security', 'encryption', 'keyRotation']],
  ['soc2.audit-logging', ['security', 'auditLogging']],
  ['soc2.rate-limiting', ['security', 'accessControl', 'rateLimiting', 'enabled']],
  ['gdpr.data-masking', ['security', 'dataMasking']],
  ['gdpr.encryption-at-rest', ['security', 'encryption', 'atRest']],
];

describe('securityControls', () => {
  // Every control passing a compliant section and reporting on a malformed one is checked by
  // describePluginConformance in the plug-in's own test.
  describe.each(switchControls)('%s', (id, path) => {
    it('does report the switch when it is off, with the value found', () => {
      const findings = securityControls[id](
        configWith((section) => setPath(section, path.slice(1), false)),
      );
      expect(findings).toEqual([
        {
          path,
          received: false,
          message: expect.stringMatching(new RegExp(`: ${path.join('\\.')} is false\\.$`)),
          suggestion: expect.stringContaining(`Set ${path.join('.')} to true`),
        },
      ]);
    });

    it('does report the switch as not set when the section is missing', () => {
      expect(securityControls[id]({})).toEqual([
        expect.objectContaining({
          path,
          received: undefined,
          message: expect.stringMatching(/ is not set\.$/),
        }),
      ]);
    });

    it('does not accept a truthy value that is not true', () => {
      const findings = securityControls[id](
        configWith((section) => setPath(section, path.slice(1), 'yes')),
      );
      expect(findings).toEqual([expect.objectContaining({ path, received: 'yes' })]);
    });
  });

  describe('soc2.rate-limiting', () => {
    const check = securityControls['soc2.rate-limiting'];

    it('does say what is at stake and what turning it on does', () => {
      const [finding] = check(
        configWith((section) =>
          setPath(section, ['accessControl', 'rateLimiting', 'enabled'], false),
        ),
      );
      expect(finding?.message).toBe(
        'Requests are not rate limited, so one caller can use up the model budget and crowd out the others: security.accessControl.rateLimiting.enabled is false.',
      );
      expect(finding?.suggestion).toBe(
        'Set security.accessControl.rateLimiting.enabled to true: each caller is then held to requestsPerMinute, with bursts of burstLimit, and penaltyStrategy decides what happens over the limit.',
      );
    });

    it.each<[string, unknown]>([
      ['missing', undefined],
      ['zero', 0],
      ['fractional', 1.5],
      ['a string', '60'],
    ])('does report limits that cannot hold when enabled: %s', (_name, value) => {
      for (const key of ['requestsPerMinute', 'burstLimit']) {
        const path = ['security', 'accessControl', 'rateLimiting', key];
        const findings = check(
          configWith((section) =>
            value === undefined
              ? deletePath(section, path.slice(1))
              : setPath(section, path.slice(1), value),
          ),
        );
        expect(findings).toEqual([
          {
            path,
            received: value,
            message: expect.stringMatching(
              new RegExp(
                `^Rate limiting is on but has no usable limit: ${path.join('\\.')} is .+\\.$`,
              ),
            ),
            suggestion: `Set ${path.join('.')} to a positive whole number of requests.`,
          },
        ]);
      }
    });

    it('does not look at the limits while it is off', () => {
      const findings = check(
        configWith((section) => {
          setPath(section, ['accessControl', 'rateLimiting', 'enabled'], false);
          setPath(section, ['accessControl', 'rateLimiting', 'burstLimit'], 0);
        }),
      );
      expect(findings.map((finding) => finding.path.at(-1))).toEqual(['enabled']);
    });
  });

  describe('soc2.access-control', () => {
    const check = securityControls['soc2.access-control'];
    const rbac = ['security', 'accessControl', 'rbac'];
    const permissions = ['security', 'accessControl', 'permissions'];

    it.each<[string, (section: object) => void, [string[], unknown][]]>([
      [
        'RBAC off',
        (section) => setPath(section, ['accessControl', 'rbac'], false),
        [[rbac, false]],
      ],
      [
        'no permission',
        (section) => setPath(section, ['accessControl', 'permissions'], []),
        [[permissions, []]],
      ],
      [
        'RBAC off and no permission',
        (section) => {
          setPath(section, ['accessControl', 'rbac'], false);
          setPath(section, ['accessControl', 'permissions'], []);
        },
        [
          [rbac, false],
          [permissions, []],
        ],
      ],
      [
        'no accessControl at all',
        (section) => deletePath(section, ['accessControl']),
        [
          [rbac, undefined],
          [permissions, undefined],
        ],
      ],
    ])('does report %s at the exact paths', (_name, change, expected) => {
      const findings = check(configWith(change));
      expect(findings.map((finding) => [finding.path, finding.received])).toEqual(expected);
      for (const finding of findings) {
        expect(finding.message).toMatch(/\S/);
        expect(finding.suggestion).toMatch(/\S/);
      }
    });

    it('does say what RBAC off leaves unchecked, and what turning it on does', () => {
      const [finding] = check(
        configWith((section) => setPath(section, ['accessControl', 'rbac'], false)),
      );
      expect(finding?.message).toBe(
        'Role-based access control is off, so no send, tool call, workflow or channel action is checked against a permission: security.accessControl.rbac is false.',
      );
      expect(finding?.suggestion).toMatch(
        /^Set security\.accessControl\.rbac to true: every action is then checked against security\.accessControl\.permissions and denied unless one grants it\.$/,
      );
    });

    it('does say that an empty list grants nothing, and how to grant', () => {
      const [finding] = check(
        configWith((section) => setPath(section, ['accessControl', 'permissions'], [])),
      );
      expect(finding?.message).toBe(
        'No access-control permission is granted, so every action is denied: security.accessControl.permissions is an empty list.',
      );
      expect(finding?.suggestion).toContain("{ resource: 'tools:search', actions: ['read'] }");
    });

    it.each<[string, unknown[]]>([
      ['null', [null]],
      ['a string', ['agents:read']],
      ['no resource', [{ actions: ['read'] }]],
      ['a blank resource', [{ resource: ' ', actions: ['read'] }]],
      ['no action', [{ resource: 'agents', actions: [] }]],
      ['actions that are not a list', [{ resource: 'agents', actions: 'read' }]],
    ])('does not count an entry with %s as a permission', (_name, entries) => {
      const findings = check(
        configWith((section) => setPath(section, ['accessControl', 'permissions'], entries)),
      );
      expect(findings).toEqual([
        {
          path: permissions,
          received: entries,
          message: `No access-control permission is granted, so every action is denied: the one entry of security.accessControl.permissions does not name a resource and at least one action.`,
          suggestion: expect.stringContaining('Write each permission as'),
        },
      ]);
    });

    it('does count the entries that are not permissions', () => {
      const [finding] = check(
        configWith((section) => setPath(section, ['accessControl', 'permissions'], [null, {}])),
      );
      expect(finding?.message).toMatch(
        /: none of the 2 entries of security\.accessControl\.permissions names a resource and at least one action\.$/,
      );
    });

    it('does pass as soon as one entry is a permission', () => {
      const findings = check(
        configWith((section) =>
          setPath(
            section,
            ['accessControl', 'permissions'],
            [null, { resource: 'agents', actions: ['read'] }],
          ),
        ),
      );
      expect(findings).toEqual([]);
    });

    it('does not count a permissions object that is not a list', () => {
      const findings = check(
        configWith((section) =>
          setPath(section, ['accessControl', 'permissions'], { 0: { resource: 'x' } }),
        ),
      );
      expect(findings.map((finding) => finding.path)).toEqual([permissions]);
    });
  });
});
