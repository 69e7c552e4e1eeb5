import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../common/domain';
import { ApiError } from '../common/http/api-error';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import type { Principal } from './principal';
import { PrincipalsService } from './principals.service';

interface RouteRules {
  isPublic: boolean;
  roles: Role[] | undefined;
}

/**
 * The one global guard: a bearer API key (usually already checked on arrival, see authenticateEarly), then the
 * route's roles. Scope within a role is the service's check.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly rules = new WeakMap<object, WeakMap<object, RouteRules>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, roles } = this.routeRules(context);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest();
    if (!request.principal) {
      const result = await this.principals.fromAuthorization(request.headers?.authorization);
      if ('refused' in result) throw new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', result.refused);
      request.principal = result.principal;
    }
    const principal: Principal = request.principal;
    if (principal.isAdmin || !roles || roles.includes(principal.role)) return true;
    throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_ROLE', `role ${principal.role} may not call this endpoint`);
  }

  // Route metadata never changes once the app is built; reading it costs more than a lookup answer.
  private routeRules(context: ExecutionContext): RouteRules {
    const [handler, controller] = [context.getHandler(), context.getClass()];
    let ofController = this.rules.get(controller);
    if (!ofController) this.rules.set(controller, (ofController = new WeakMap()));
    let rules = ofController.get(handler);
    if (!rules) {
      const targets = [handler, controller];
      rules = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
        roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets),
      };
      ofController.set(handler, rules);
    }
    return rules;
  }
}
