import { ErrorCode, HandshakeAuthSchema, PROTOCOL_VERSION, type WireError } from '@concord/shared';
import type { TokenService } from '../auth/tokens.js';
import { toWireError } from '../errors.js';
import type { ConcordSocket } from './types.js';

/** A connect_error the client can read: `err.data` is a WireError. */
function refusal(error: WireError): Error & { data: WireError } {
  return Object.assign(new Error(error.message), { data: error });
}

/**
 * Socket.IO middleware: the handshake must carry this protocol version and a valid
 * invite token, or the connection is refused with a coded error.
 */
export function handshakeMiddleware(tokens: TokenService) {
  return (socket: ConcordSocket, next: (err?: Error) => void): void => {
    const auth = HandshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      next(
        refusal({ code: ErrorCode.UNAUTHENTICATED, message: 'the handshake must carry { token, protocolVersion }' }),
      );
      return;
    }
    if (auth.data.protocolVersion !== PROTOCOL_VERSION) {
      next(
        refusal({
          code: ErrorCode.PROTOCOL_MISMATCH,
          message: `this server speaks protocol ${PROTOCOL_VERSION}, the client ${auth.data.protocolVersion}: reload the page`,
        }),
      );
      return;
    }
    try {
      socket.data.claims = tokens.verify(auth.data.token);
      socket.data.participantId = null;
      socket.data.waitingAs = null;
      next();
    } catch (err) {
      next(refusal(toWireError(err)));
    }
  };
}
