/**
 * `NodeFs`: read-only access to one node's filesystem by absolute paths *inside* the node
 * (`/etc/sysctl.d`, `/proc/modules`, ...). The check reads everything through it, so the
 * same logic runs on `/`, on a mounted image (`--root`), or in a kind node (`docker exec`).
 */
export interface NodeFs {
  /** What the check says it is looking at, e.g. `/`, `/mnt/node`, `kind node kind-worker`. */
  readonly label: string;
  /** The file's text, or null when it does not exist (or is not a regular file). Other failures throw. */
  readFile(path: string): Promise<string | null>;
  /** Entry names of a directory (any order), or null when it does not exist. Other failures throw. */
  listDir(path: string): Promise<string[] | null>;
  /** Whether the path exists (following symlinks). */
  exists(path: string): Promise<boolean>;
}
