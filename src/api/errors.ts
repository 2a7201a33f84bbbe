import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, ErrorCode } from '../domain/index.js';

/** Domain error code -> HTTP status, in one place. Anything unknown is a 500 with no details. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.BAD_DATA]: 400,
  [ErrorCode.UNAUTHORIZED]: 401,
  [ErrorCode.EXCHANGE_AUTH]: 400,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.POSITION_ALREADY_OPEN]: 409,
  [ErrorCode.RISK_DENIED]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.BELOW_MIN_NOTIONAL]: 422,
  [ErrorCode.INSUFFICIENT_MARGIN]: 422,
  [ErrorCode.EXCHANGE_REJECTED]: 422,
};

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DomainError | Error, request, reply) => {
    if (err instanceof DomainError) {
      const status = STATUS_BY_CODE[err.code] ?? 500;
      if (status >= 500) request.log.error({ err }, 'request failed');
      const body: ErrorBody = {
        error: {
          code: status >= 500 ? ErrorCode.INTERNAL : err.code,
          message: status >= 500 ? 'internal error' : err.message,
          ...(err.details?.fields ? { fields: err.details.fields as Record<string, string> } : {}),
        },
      };
      return reply.status(status).send(body);
    }
    const fastifyErr = err as FastifyError;
    if (fastifyErr.validation) {
      const fields: Record<string, string> = {};
      for (const v of fastifyErr.validation) {
        const path =
          (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.') ||
          String(v.params?.missingProperty ?? 'body');
        fields[path] = v.message ?? 'invalid';
      }
      const body: ErrorBody = {
        error: { code: ErrorCode.VALIDATION_FAILED, message: 'invalid request', fields },
      };
      return reply.status(400).send(body);
    }
    const status = fastifyErr.statusCode && fastifyErr.statusCode < 500 ? fastifyErr.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    const code =
      status === 429
        ? ErrorCode.RATE_LIMITED
        : status === 404
          ? ErrorCode.NOT_FOUND
          : status === 401
            ? ErrorCode.UNAUTHORIZED
            : status >= 500
              ? ErrorCode.INTERNAL
              : ErrorCode.VALIDATION_FAILED;
    const body: ErrorBody = {
      error: { code, message: status >= 500 ? 'internal error' : fastifyErr.message },
    };
    return reply.status(status).send(body);
  });
}
