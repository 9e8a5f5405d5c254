import { validationFailed } from '../errors/map-error.js';
import { textIssues } from '../modules/shared/text.js';

/**
 * Part of every procedure's base, ahead of its input schema: no string anywhere in the raw input
 * may break the text rule (`modules/shared/text.ts`). A refusal reaches the client as a schema's
 * does: VALIDATION_FAILED with an issue, and its path, per offending field.
 */
export async function refuseHostileText(getRawInput: () => Promise<unknown>): Promise<void> {
  const issues = textIssues(await getRawInput());
  if (issues.length > 0) throw validationFailed(issues);
}
