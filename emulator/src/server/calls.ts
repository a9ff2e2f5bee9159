/** What every gRPC handler needs from its call: the caller, and a status for any error. */
import type * as grpc from '@grpc/grpc-js';
import { RpcError, status } from '../errors';
import { callerFromAuthorization, type Caller } from './auth';

export function callerOf(call: { metadata: grpc.Metadata }): Caller {
  const header = call.metadata.get('authorization')[0];
  return callerFromAuthorization(typeof header === 'string' ? header : header?.toString());
}

/** An RpcError keeps its code; anything else is an emulator bug: logged, answered with INTERNAL. */
export function toStatus(error: unknown): { code: number; details: string } {
  if (error instanceof RpcError) return { code: error.code, details: error.message };
  console.error('[firestore-emulator] internal error:', error);
  const message = error instanceof Error ? error.message : String(error);
  return { code: status.INTERNAL, details: `Internal error in the Firestore emulator: ${message}` };
}
