import { ERROR_CODES } from '../../../src/domain/error-codes';
import type { ErrorCode } from '../../../src/domain/error-codes';
import { PROBLEM_CONTENT_TYPE, ProblemError, problemBody } from '../../../src/api/problem';

describe('ProblemError', () => {
  it('is an Error named ProblemError whose message gives the status, code and title', () => {
    const error = new ProblemError(409, ERROR_CODES.CONFLICT, 'Already exists');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProblemError');
    expect(error.message).toBe('409 CONFLICT: Already exists');
    expect(String(error)).toBe('ProblemError: 409 CONFLICT: Already exists');
  });

  it('keeps what the error handler needs', () => {
    const errors = [{ path: 'email', message: 'Invalid email' }];
    const error = new ProblemError(400, ERROR_CODES.VALIDATION_FAILED, 'Invalid request', 'One field', errors, {
      'Retry-After': '5',
    });
    expect(error).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      title: 'Invalid request',
      detail: 'One field',
      errors,
      headers: { 'Retry-After': '5' },
    });
  });
});

describe('problemBody', () => {
  it('serves RFC 9457 members with the stable code and the request id', () => {
    const error = new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'Not found', 'No such account');
    expect(problemBody(error, 'req-1')).toStrictEqual({
      type: '/problems/account-not-found',
      title: 'Not found',
      status: 404,
      detail: 'No such account',
      code: 'ACCOUNT_NOT_FOUND',
      requestId: 'req-1',
    });
  });

  it('lists the offending fields of a 400', () => {
    const errors = [
      { path: 'subdomain', message: 'Too short' },
      { path: 'owner.email', message: 'Invalid email' },
    ];
    const error = new ProblemError(400, ERROR_CODES.VALIDATION_FAILED, 'Invalid request', undefined, errors);
    expect(problemBody(error, 'req-2')).toStrictEqual({
      type: '/problems/validation-failed',
      title: 'Invalid request',
      status: 400,
      code: 'VALIDATION_FAILED',
      requestId: 'req-2',
      errors,
    });
  });

  it('leaves out the members it has no value for, so the JSON has no nulls', () => {
    const body = problemBody(new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'Authentication required'), undefined);
    expect(body).toStrictEqual({
      type: '/problems/unauthenticated',
      title: 'Authentication required',
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    expect(Object.keys(body)).toEqual(['type', 'title', 'status', 'code']);
  });

  it.each(Object.values(ERROR_CODES))(
    'gives %s a type URI of lower-case words joined by hyphens',
    (code: ErrorCode) => {
      const { type } = problemBody(new ProblemError(500, code, 'x'), undefined);
      expect(type).toMatch(/^\/problems\/[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(type.slice('/problems/'.length).split('-').join('_').toUpperCase()).toBe(code);
    },
  );

  it('names the problem content type', () => {
    expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
  });
});
