import type { InstanceService } from '../../modules/instance/service.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

export function instanceRouter(instance: InstanceService, { publicProcedure }: Procedures) {
  return router({
    /** This server's input limits and trending rule, so clients can check before they send. */
    info: publicProcedure.query(() => instance.info()),
  });
}
