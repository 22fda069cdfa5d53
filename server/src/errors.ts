import type { ErrorCode } from '@arrears/shared';

export interface IssueDetail {
  path: string;
  message: string;
}

/**
 * The one error type the application throws on purpose. `code` is a closed set (shared/) and
 * maps to an HTTP status in http/errors.ts; `details` lists path-level problems.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: IssueDetail[];

  constructor(code: ErrorCode, message: string, details: IssueDetail[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}
