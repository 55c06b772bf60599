import { isArraySpelling, sqlWordKinds, type Kinds } from '../native-kinds.js';

/** The kinds a PostgreSQL spelling (format_type's, or an alias) can carry. */
export const postgresNativeKinds = (native: string): Kinds | undefined => (isArraySpelling(native) ? ['array'] : sqlWordKinds(native));
