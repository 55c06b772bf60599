import { LINT_RULES, type LintResult } from '../ops/lint.js';

/** A SARIF 2.1.0 log: one rule per hazard and check, one result per finding, located at the object's file. */
export function toSarif(result: LintResult, version: string): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'redb',
            version,
            informationUri: 'https://www.npmjs.com/package/redb',
            rules: Object.entries(LINT_RULES).map(([id, text]) => ({
              id,
              name: id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text },
              defaultConfiguration: { level: id === 'native-object' ? 'note' : 'error' },
            })),
          },
        },
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: Object.keys(LINT_RULES).indexOf(f.rule),
          level: f.level,
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, region: { startLine: 1 } } }],
        })),
      },
    ],
  };
}

/** GitHub Actions workflow commands: each finding becomes an annotation on the object's file. */
export function toGithub(result: LintResult): string {
  const escape = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => escape(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const command = { error: 'error', warning: 'warning', note: 'notice' } as const;
  return result.findings.map((f) => `::${command[f.level]} file=${prop(f.file)},line=1,title=${prop(`redb ${f.rule}`)}::${escape(f.message)}`).join('\n');
}
