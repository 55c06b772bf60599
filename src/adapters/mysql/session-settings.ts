import { errors } from '../../errors.js';

/**
 * Stored code (routines, triggers, events, packages) runs under the sql_mode it was created with, and
 * an event's times mean the time_zone it was created in. Where those differ from the server's
 * defaults they are kept as leading comment lines of the definition, which stays one valid statement:
 *
 *   -- sql_mode: 'PIPES_AS_CONCAT,ANSI_QUOTES'
 *   CREATE FUNCTION ...
 *
 * and the plan sets them for the CREATE alone (SET cannot be part of a CREATE statement).
 */

const SETTINGS = ['sql_mode', 'time_zone'] as const;
type Setting = (typeof SETTINGS)[number];
export type SessionSettings = Partial<Record<Setting, string>>;

const LINE = /^-- (\w+): '([^']*)'\n/;
/** Mode names and zone names or offsets: nothing that needs quoting. */
const VALUE = /^[\w,+:/-]*$/;

/**
 * IGNORE_SPACE only changes how a name followed by a space parses, and client libraries turn it on for
 * their sessions by themselves (mysql2 does): it is not a difference worth recording.
 */
const modes = (mode: string): string =>
  mode
    .split(',')
    .filter((m) => m !== '' && m !== 'IGNORE_SPACE')
    .sort()
    .join(',');
const same = (s: Setting, a: string, b: string | undefined): boolean => (s === 'sql_mode' ? modes(a) === modes(b ?? '') : a === b);

/** The definition with the settings that differ from the server's defaults in front. */
export function withSettings(definition: string, own: SessionSettings, defaults: SessionSettings): string {
  const lines = SETTINGS.flatMap((s) => {
    const value = own[s];
    return value === undefined || same(s, value, defaults[s]) ? [] : [`-- ${s}: '${value}'\n`];
  });
  return lines.join('') + definition;
}

/** The settings a definition records, and the CREATE statement after them. */
export function settingsOf(definition: string): { settings: [Setting, string][]; statement: string } {
  const settings: [Setting, string][] = [];
  let rest = definition;
  for (let m = LINE.exec(rest); m !== null; m = LINE.exec(rest)) {
    const [line, name = '', value = ''] = m;
    const setting = SETTINGS.find((s) => s === name);
    if (setting === undefined || !VALUE.test(value))
      throw errors.planUnsupported('mysql', `session setting ${name}: '${value}' of stored code (only sql_mode and time_zone)`);
    settings.push([setting, value]);
    rest = rest.slice(line.length);
  }
  return { settings, statement: rest };
}

/** `statement` run under the settings `definition` records (the CREATE itself, or a DROP only that mode parses), then the session's own again. */
export function underSettings(definition: string, statement: string = definition): string[] {
  const { settings } = settingsOf(definition);
  if (settings.length === 0) return [statement];
  return [
    `SET ${settings.map(([s]) => `@redb_saved_${s} = @@SESSION.${s}`).join(', ')}`,
    `SET SESSION ${settings.map(([s, v]) => `${s} = '${v}'`).join(', ')}`,
    statement,
    `SET SESSION ${settings.map(([s]) => `${s} = @redb_saved_${s}`).join(', ')}`,
  ];
}
