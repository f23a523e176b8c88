/** A file's or folder's identity on its device, as publishing keys what is already on disk (publish.ts `SyncedFiles`): `dev:ino`. */
export function inodeKey({ dev, ino }: { readonly dev: number; readonly ino: number }): string {
  return `${dev}:${ino}`;
}
