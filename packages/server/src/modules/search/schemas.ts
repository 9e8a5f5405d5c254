import { z } from 'zod';
import { pageInput } from '../shared/pagination.js';

export const searchInput = z.object({
  q: z.string().trim().min(1).max(100),
  ...pageInput,
});
