/**
 * A webhook consumer on loopback for the tests: a node:http server on a free port that verifies
 * each delivery with the client's verifyWebhook, answers as the test tells it (a status, or no
 * answer at all to make the sender time out), and dedupes by event id as a real consumer should.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookPayload } from '@hearth/contracts';
import { verifyWebhook } from '@hearth/client';
import { Arrivals } from '../../../../test/support/within';

export interface Received {
  event: WebhookPayload;
  raw: string;
  signature: string;
  /** Whether the signature verified under the receiver's secret. */
  verified: boolean;
  /** Whether this event id had been processed before (a duplicate the consumer suppressed). */
  duplicate: boolean;
  answered: number | 'hung';
  at: number;
}

/** What to answer a request: a status code, or 'hang' (never answer). */
export type Answer = number | 'hang';

export class Receiver {
  readonly arrivals = new Arrivals<Received>();
  /** Event ids processed exactly once (the idempotent consumer's store). */
  readonly processed = new Set<string>();
  secret = '';
  answer: (event: WebhookPayload, nth: number) => Answer = () => 200;
  private readonly tries = new Map<string, number>();
  private readonly hung: ServerResponse[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  /** Every delivery that was processed (not duplicates), in arrival order. */
  get events(): WebhookPayload[] {
    return this.arrivals.seen.filter((r) => !r.duplicate && r.answered === 200).map((r) => r.event);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const signature = String(req.headers['hearth-signature'] ?? '');
    const check = await verifyWebhook(this.secret, raw, signature);
    const event = JSON.parse(raw) as WebhookPayload;
    const nth = (this.tries.get(event.id) ?? 0) + 1;
    this.tries.set(event.id, nth);
    const answer = check.ok ? this.answer(event, nth) : 400;
    const ok = answer === 200;
    const duplicate = ok && this.processed.has(event.id);
    if (ok) this.processed.add(event.id);
    this.arrivals.push({
      event,
      raw,
      signature,
      verified: check.ok,
      duplicate,
      answered: answer === 'hang' ? 'hung' : answer,
      at: Date.now(),
    });
    if (answer === 'hang') {
      this.hung.push(res);
      return;
    }
    res.writeHead(answer, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'no');
  }

  async stop(): Promise<void> {
    for (const r of this.hung) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
