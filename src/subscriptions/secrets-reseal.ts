import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/config.schema';
import { runsScheduledJobs } from '../config/runtime-roles';
import { SubscriptionsService } from './subscriptions.service';

/** At start-up, scheduler instances seal stored secrets still in clear or under an older key-encryption key. */
@Injectable()
export class SecretsReseal implements OnApplicationBootstrap {
  private readonly logger = new Logger(SecretsReseal.name);

  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsScheduledJobs(this.config)) return;
    // In the background: a failure is logged and retried at the next start or by `secrets:reseal`.
    void this.subscriptions.resealSecrets().then(
      (r) => r.resealed && this.logger.log({ msg: 'secrets: stored secrets sealed under the active key', ...r }),
      (e: Error) => this.logger.error({ msg: 'secrets: resealing failed; run npm run cli -- secrets:reseal', error: e.message }),
    );
  }
}
