import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Observable } from 'rxjs';

/** Who the audit trail names: a principal, or null for the gateway itself. */
export interface Actor {
  id: string;
  name: string;
}

const storage = new AsyncLocalStorage<Actor | null>();

/** The principal of the HTTP request being served, or null outside one (scheduler, workers, CLI). */
export function requestActor(): Actor | null {
  return storage.getStore() ?? null;
}

/**
 * Keeps the authenticated principal at hand for the whole request, so services whose signatures carry no
 * principal can still name who acted in the audit trail. The guard has run by now.
 */
@Injectable()
export class RequestActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const principal = context.switchToHttp().getRequest()?.principal as Actor | undefined;
    const actor = principal ? { id: principal.id, name: principal.name } : null;
    // The handler runs when the observable is subscribed, so the subscription is what runs inside the store.
    return new Observable((subscriber) => storage.run(actor, () => next.handle().subscribe(subscriber)));
  }
}
