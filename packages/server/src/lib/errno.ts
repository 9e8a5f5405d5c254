/** Whether `error` is a Node system error (or any error object) carrying one of these `code`s. */
export function isCode(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && codes.includes((error as { code?: string }).code ?? '');
}
