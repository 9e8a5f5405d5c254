import { z } from 'zod';

export const tagNameInput = z.object({ name: z.string().trim().min(1).max(101) });

export const trendingInput = z.object({ limit: z.number().int().min(1).max(50).optional() });
