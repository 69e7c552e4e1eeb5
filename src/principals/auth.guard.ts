import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../common/domain';
import { ApiError } from '../common/http/api-error';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { PrincipalsService } from './principals.service';

/** The one global guard: a bearer API key, then the route's roles. Scope within a role is the service's check. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: string | undefined = request.headers?.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', 'authorization: a Bearer API key is required');
    const principal = await this.principals.authenticate(match[1]);
    if (!principal) throw new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', 'authorization: unknown or revoked API key');
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (principal.isAdmin || !roles || roles.includes(principal.role)) return true;
    throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_ROLE', `role ${principal.role} may not call this endpoint`);
  }
}
