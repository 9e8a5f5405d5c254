import type { RouterInputs, RouterOutputs } from '../types.js';

export type RegisterInput = RouterInputs['accounts']['register'];
export type LoginInput = RouterInputs['accounts']['login'];
export type UpdateProfileInput = RouterInputs['accounts']['updateProfile'];
export type UpdateAccountInput = RouterInputs['accounts']['update'];
export type DeleteAccountInput = RouterInputs['accounts']['delete'];
/** An export of your data: its state and progress, and a signed download link once `ready`. */
export type AccountExport = RouterOutputs['accounts']['export'];
/** When the deletion happened and when everything of the account is removed for good. */
export type AccountDeletion = RouterOutputs['accounts']['delete'];
