import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import { toErrorBody } from './error.filter';

describe('toErrorBody', () => {
  it('keeps the report of an exception whose response is not our error shape', () => {
    const report = { status: 'error', info: { postgres: { status: 'up' } }, error: { redis: { status: 'down', message: 'Connection is closed.' } } };
    const body = toErrorBody(new ServiceUnavailableException(report));
    expect(body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', details: report });
  });

  it('hides unexpected errors and keeps the contract shape for framework errors', () => {
    expect(toErrorBody(new Error('secret detail'))).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    expect(toErrorBody(new BadRequestException())).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
  });
});
