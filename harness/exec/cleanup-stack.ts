/**
 * A LIFO stack of undo actions. Whoever creates a resource pushes its undo the moment the
 * resource exists; `unwind()` runs them newest first, never throws, and returns the
 * errors it collected so that they never hide the original error.
 */
export class CleanupStack {
  private readonly actions: { label: string; undo: () => Promise<void> }[] = [];

  /** Registers an undo action; `label` names what it removes, for error messages. */
  push(label: string, undo: () => Promise<void>): void {
    this.actions.push({ label, undo });
  }

  /** Number of pending actions. */
  get size(): number {
    return this.actions.length;
  }

  /** Runs every pending action newest first; returns "failed to remove <label>: ..." messages. */
  async unwind(): Promise<string[]> {
    const errors: string[] = [];
    while (this.actions.length > 0) {
      const action = this.actions.pop()!;
      try {
        await action.undo();
      } catch (error) {
        errors.push(`failed to remove ${action.label}: ${(error as Error).message}`);
      }
    }
    return errors;
  }
}
