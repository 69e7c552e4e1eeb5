import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { Role } from '../common/domain';
import type { Principal } from './principal';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** No key needed (public lists, JWKS, health). The route's Fastify config says so too, for authenticateEarly. */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), RouteConfig({ public: true }));

/** Roles allowed besides admin, which may call everything. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal,
);
