import { z } from 'zod';

/** For requests that carry no data: `{}` and nothing else. */
export const EmptySchema = z.strictObject({});
