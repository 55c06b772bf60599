/**
 * The comment `redb mcp grant` puts on the read login it makes. Introspection leaves that login's
 * grants out of the model: they are the MCP server's, not the project's, and a pull, a status or a
 * migrate elsewhere must not see or copy them.
 */
export const MCP_ROLE_COMMENT = 'redb mcp read login';

/** SQL: the role `grantee` (an oid expression) is not an MCP read login. */
export const notMcpRole = (grantee: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_shdescription sd WHERE sd.objoid = ${grantee} AND sd.classoid = 'pg_authid'::regclass AND sd.description = '${MCP_ROLE_COMMENT}')`;
