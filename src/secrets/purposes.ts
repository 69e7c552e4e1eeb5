/** What each sealed value is for (bound in as associated data): a value sealed for one cannot be opened as another. */
export const SUBSCRIPTION_SECRET_PURPOSE = 'subscription.secret';
export const PLATFORM_SECRET_PURPOSE = 'creditPlatform.secret';
