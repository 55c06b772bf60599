import { createHash, randomBytes } from 'node:crypto';

/** Shadow databases are named after the database they stand beside, so each can be told apart. */
export const shadowPrefix = (database: string): string => `redb_shadow_${createHash('sha1').update(database).digest('hex').slice(0, 8)}_`;

export const shadowName = (database: string): string => `${shadowPrefix(database)}${randomBytes(4).toString('hex')}`;
