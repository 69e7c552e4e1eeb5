/** The target name of the national credit platform; every other target is a subscription id. */
export const CREDIT_PLATFORM_TARGET = 'credit-platform';
