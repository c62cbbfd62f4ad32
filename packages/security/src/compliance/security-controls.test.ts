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
