/**
 * The roles of a lab's nodes (its own file so that the `Lab` interface and the modules it
 * names, such as rps.ts, can share it without importing each other).
 */

/** Roles in the topology `client -- node-a == node-b -- server`. */
export type NodeRole = 'client' | 'node-a' | 'node-b' | 'server';
