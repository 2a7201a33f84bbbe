import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { DomainError, ErrorCode } from '../domain/index.js';
import { rootMessage } from '../store/index.js';

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
  [ErrorCode.UNAVAILABLE]: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: string[]; missingProperty?: string; [k: string]: unknown };
}

/** Schema validation issues -> { field: message }, with dotted paths ("leverage", "items.0.qty"). */
export function fieldMessages(issues: ValidationIssue[], context = 'body'): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (issue.keyword === 'unrecognized_keys' && issue.params?.keys?.length) {
      for (const key of issue.params.keys) fields[path ? `${path}.${key}` : key] = 'unknown field';
      continue;
    }
    const field = path || String(issue.params?.missingProperty ?? context);
    const message = issue.message ?? 'invalid';
    fields[field] ??= /received undefined/.test(message) ? 'required' : message;
  }
  return fields;
}

/** 5xx: log the root cause without Drizzle's "params:" dump (which may hold hashes or tokens). */
function logFailure(reply: FastifyReply, err: unknown) {
  let root: unknown = err;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  reply.log.error(
    {
      err: {
        message: rootMessage(err),
        code: (root as { code?: unknown }).code,
        stack: (root as Error).stack,
      },
    },
    'request failed',
  );
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: {
        code: ErrorCode.NOT_FOUND,
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      },
    };
    return reply.status(404).send(body);
  });

  app.setErrorHandler((err: FastifyError | DomainError | Error, _request, reply) => {
    if (err instanceof DomainError) {
      const status = STATUS_BY_CODE[err.code] ?? 500;
      if (status >= 500) logFailure(reply, err);
      if (status === 401) reply.header('www-authenticate', 'Bearer');
      const retryAfterSec = err.details?.retryAfterSec;
      if (status === 429 && typeof retryAfterSec === 'number')
        reply.header('retry-after', String(retryAfterSec));
      const body: ErrorBody = {
        error: {
          code: status >= 500 ? ErrorCode.INTERNAL : err.code,
          message: status >= 500 ? 'internal error' : err.message,
          ...(status < 500 && err.details?.fields
            ? { fields: err.details.fields as Record<string, string> }
            : {}),
        },
      };
      return reply.status(status).send(body);
    }
    const fastifyErr = err as FastifyError & { validationContext?: string };
    if (fastifyErr.validation) {
      const fields = fieldMessages(fastifyErr.validation as ValidationIssue[], fastifyErr.validationContext);
      const body: ErrorBody = {
        error: {
          code: ErrorCode.VALIDATION_FAILED,
          message: `invalid ${fastifyErr.validationContext ?? 'request'}: ${Object.entries(fields)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')}`,
          fields,
        },
      };
      return reply.status(400).send(body);
    }
    const status = fastifyErr.statusCode && fastifyErr.statusCode < 500 ? fastifyErr.statusCode : 500;
    if (status >= 500) logFailure(reply, err);
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
