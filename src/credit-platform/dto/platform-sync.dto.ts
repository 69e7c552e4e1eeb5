export class PlatformSyncResultDto {
  /** False when no platform secret is configured (CREDIT_PLATFORM_SECRET): platform deliveries then stay pending. */
  enabled: boolean;
  /** Due platform deliveries handed to the platform workers. */
  claimed: number;
}
