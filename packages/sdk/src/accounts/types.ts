import type { RouterInputs } from '../types.js';

export type RegisterInput = RouterInputs['accounts']['register'];
export type LoginInput = RouterInputs['accounts']['login'];
export type UpdateProfileInput = RouterInputs['accounts']['updateProfile'];
export type UpdateAccountInput = RouterInputs['accounts']['update'];
