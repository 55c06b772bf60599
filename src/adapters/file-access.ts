import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemError, type RedbError } from '../errors.js';

/**
 * Why a database file cannot be opened (or created, or written), in the operating system's words:
 * the embedded engines only say "unable to open database file". Asks the file system the same
 * question and returns its coded error (permission denied, read-only file system, a missing folder,
 * a folder where the file should be, ...) with the path; undefined when it sees no reason.
 */
export function fileAccessError(file: string, write: boolean): RedbError | undefined {
  try {
    if (existsSync(file)) {
      accessSync(file, write ? constants.R_OK | constants.W_OK : constants.R_OK);
      // A journal or write-ahead log is made beside the file.
      if (write) accessSync(dirname(file), constants.W_OK);
    } else {
      accessSync(dirname(file), constants.W_OK);
    }
  } catch (e) {
    return systemError(e);
  }
  return undefined;
}
