/**
 * One typed callable: the request is checked against the same zod schema the function uses (bad
 * input fails here, without a round trip, with the same field names), the answer against its
 * response schema.
 */
import { httpsCallable } from 'firebase/functions';
import type { z } from 'zod';
import { fail, invalidArgument, ok, toHearthError, type Result } from './errors';
import type { HearthClient } from './client';

export async function call<Req extends z.ZodType, Res extends z.ZodType>(
  client: Pick<HearthClient, 'functions'>,
  name: string,
  request: Req,
  response: Res,
  data: z.input<Req>,
): Promise<Result<z.infer<Res>>> {
  const parsed = request.safeParse(data);
  if (!parsed.success) return fail(invalidArgument(parsed.error));
  try {
    const res = await httpsCallable(client.functions, name)(parsed.data);
    const body = response.safeParse(res.data);
    if (!body.success)
      return fail({
        code: 'internal',
        message: `${name} answered in an unexpected shape: ${body.error.message}`,
      });
    return ok(body.data);
  } catch (err) {
    return fail(toHearthError(err));
  }
}

/** A fresh idempotency key: keep it and send it again to retry the same call safely. */
export const newIdempotencyKey = () => crypto.randomUUID();

/** A request without its idempotency key, which is optional here (a fresh one is made). */
export type Keyed<S extends z.ZodType> = Omit<z.input<S>, 'idempotencyKey'> & { idempotencyKey?: string };

/** The request with its idempotency key, a fresh one when the caller gave none. */
export const keyed = <T extends { idempotencyKey?: string }>(req: T) => ({
  ...req,
  idempotencyKey: req.idempotencyKey ?? newIdempotencyKey(),
});
