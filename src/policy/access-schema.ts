/**
 * The access policy's vocabulary, as a Cedar schema: every policy is validated against it at load,
 * so a misspelt action, entity type or attribute is refused with its line instead of silently
 * matching nothing.
 *
 * Principals: an identity of the trust document (`Identity::"did:key:..."`, in its roles), an MCP
 * bearer token (`Token::"<token id>"`), the local user of the CLI (`LocalUser::"local"`); each may be
 * in roles (`Role::"admin"`). Resources: databases by binding name, tables as `<db>/<table>`
 * (`schema.table` where the engine has schemas), columns as `<db>/<table>/<column>`, branches by name.
 */
export const ACCESS_SCHEMA = `
entity Role;
entity Identity in [Role] { name: String };
entity Token in [Role] { name: String };
entity LocalUser in [Role];
entity Database { name: String };
entity Table in [Database] { database: String, name: String };
entity Column in [Table] { database: String, table: String, name: String };
entity Branch { name: String };

type Request = { via: String };

action readTable appliesTo { principal: [Identity, Token, LocalUser], resource: [Table], context: Request };
action readColumnClear appliesTo { principal: [Identity, Token, LocalUser], resource: [Column], context: Request };
action readColumnMasked appliesTo { principal: [Identity, Token, LocalUser], resource: [Column], context: Request };
action sample appliesTo { principal: [Identity, Token, LocalUser], resource: [Table], context: Request };
action migrate appliesTo { principal: [Identity, Token, LocalUser], resource: [Database], context: Request };
action replicate appliesTo { principal: [Identity, Token, LocalUser], resource: [Database, Table], context: Request };
action push appliesTo { principal: [Identity, Token, LocalUser], resource: [Branch], context: Request };
`;

/** redb's names for the actions, and Cedar's. */
export const ACCESS_ACTIONS = {
  'read-table': 'readTable',
  'read-column-clear': 'readColumnClear',
  'read-column-masked': 'readColumnMasked',
  sample: 'sample',
  migrate: 'migrate',
  replicate: 'replicate',
  push: 'push',
} as const;
export type AccessAction = keyof typeof ACCESS_ACTIONS;
