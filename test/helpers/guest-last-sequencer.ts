/**
 * The integration project's file order: vitest's own (BaseSequencer), except that the files
 * that wait for a background guest job (guest-prewarm.ts) go last, so the job runs beside the
 * other files instead of a file blocking the one worker while it waits.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that wait for a background guest job. */
export const WAITS_FOR_GUEST = ['conformance-vm.test.ts', 'kind-node-image.test.ts'];

export default class GuestLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const waits = (f: TestSpecification) => WAITS_FOR_GUEST.some((name) => f.moduleId.endsWith(`/${name}`));
    return [...sorted.filter((f) => !waits(f)), ...sorted.filter(waits)];
  }
}
