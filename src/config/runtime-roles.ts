import { AppConfig } from './config.schema';

/** Scheduled jobs run only in a process with the `scheduler` role, and not at all when the scheduler is off. */
export function runsScheduledJobs(config: AppConfig): boolean {
  return config.scheduler.enabled && config.runtime.roles.includes('scheduler');
}
