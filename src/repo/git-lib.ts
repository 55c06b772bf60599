/**
 * isomorphic-git, loaded on first use: it is the heaviest module redb loads, and a command that
 * opens no git object (a repeated pull that finds nothing changed, a clean status) need not pay for it.
 */
let loaded: Promise<typeof import('isomorphic-git').default> | undefined;

export const gitLib = (): Promise<typeof import('isomorphic-git').default> => {
  loaded ??= import('isomorphic-git').then((m) => m.default);
  return loaded;
};
