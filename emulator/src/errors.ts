import { status } from '@grpc/grpc-js';

/**
 * An error the emulator answers with: a gRPC status code Firestore itself would use and a message
 * a developer can act on. Anything else thrown inside a handler is a bug and becomes INTERNAL.
 */
export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export const invalidArgument = (message: string) => new RpcError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new RpcError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new RpcError(status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new RpcError(status.FAILED_PRECONDITION, message);
export const aborted = (message: string) => new RpcError(status.ABORTED, message);
export const permissionDenied = (message: string) => new RpcError(status.PERMISSION_DENIED, message);
export { status };
