/** The identity the Azure stand-ins share: the one token Resource Manager accepts, and its subscription. */
export const standInToken = "stand-in-arm-token";
export const standInSubscription = "00000000-0000-4000-8000-000000000042";
export const standInTenant = "00000000-0000-4000-8000-0000000000aa";
